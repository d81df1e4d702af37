// injection.ImageAutoAnalyzer: an istio-proxy container with `image: auto` waits for the injector to fill it in. A Pod
// that still has it was not injected (IST0147); a Deployment whose pod template no Istio injection webhook selects
// (namespace labels and template labels) will not be (IST0146).
import { relatedAt, type MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { arr, labels, obj, str, strMap } from '../model';
import { isIstioWebhookName, webhookSelectorMatches, webhooksOf } from './webhook';

/** Index of the first istio-proxy container with `image: auto` in a pod spec, or -1. */
function autoImageContainer(podSpec: unknown): number {
  return arr(obj(podSpec).containers).findIndex((c) => str(obj(c).name) === 'istio-proxy' && str(obj(c).image) === 'auto');
}

export const imageAutoAnalyzer: MeshAnalyzer = {
  name: 'injection.ImageAutoAnalyzer',
  analyze(ctx) {
    // Every pod with `image: auto` is broken, whether the webhooks select it or not: it ran without injection.
    for (const pod of ctx.subjects(GK.Pod)) {
      if (pod.derived) continue; // Istio sees running pods only
      const i = autoImageContainer(pod.obj.spec);
      if (i >= 0) ctx.report('IST0147', pod, ['spec', 'containers', i, 'image'], ['Pod', pod.name]);
    }
    const webhooks = ctx.forEach(GK.MutatingWebhookConfiguration)
      .flatMap((r) => webhooksOf(r).filter(({ hook }) => isIstioWebhookName(str(hook.name))).map((h) => h.hook));
    for (const d of ctx.subjects(GK.Deployment)) {
      const template = obj(obj(d.obj.spec).template);
      const i = autoImageContainer(template.spec);
      if (i < 0) continue;
      const podLabels = strMap(obj(template.metadata).labels);
      const selected = (nsLabels: Readonly<Record<string, string>>): boolean =>
        webhooks.some((h) => webhookSelectorMatches(h.namespaceSelector, nsLabels) && webhookSelectorMatches(h.objectSelector, podLabels));
      // A namespace defined in several files (alternatives): injected only when every definition is selected. An
      // undefined namespace has no labels.
      const namespaces = ctx.getAll(GK.Namespace, '', d.namespace || 'default');
      const missed = namespaces.find((ns) => !selected(labels(ns)));
      if (namespaces.length > 0 ? !missed : selected({})) continue;
      ctx.report('IST0146', d, ['spec', 'template', 'spec', 'containers', i, 'image'], ['Deployment', d.name],
        missed ? [relatedAt(missed, `Namespace ${missed.name}: no Istio injection webhook selects its labels with the pod template's`)] : []);
    }
  },
};
