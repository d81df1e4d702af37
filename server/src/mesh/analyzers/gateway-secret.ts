// gateway.SecretAnalyzer: a server's tls.credentialName names a Secret in the gateway workload's namespace (IST0101),
// and that Secret holds a certificate and key whose certificate parses and is valid now (IST0161, see credential.ts).
import { relatedAt, type MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { shortOrFullName } from '../hosts';
import { levelOf } from '../messages';
import { arr, obj, spec, str } from '../model';
import { credentialProblem } from './credential';
import { gatewaySelector, selectorKey, selectorPath, selectorString } from './gwutil';

export const secretAnalyzer: MeshAnalyzer = {
  name: 'gateway.SecretAnalyzer',
  analyze(ctx) {
    // Istio decides "expired" against the current time; one instant for the whole run.
    const now = Date.now();
    for (const gw of ctx.subjects(GK.Gateway)) {
      const sel = gatewaySelector(gw);
      const pod = ctx.memo(`SecretAnalyzer|${selectorKey(sel)}`, () => ctx.selected(GK.Pod, sel)[0]);
      if (!pod || pod.namespace === '') {
        ctx.report('IST0101', gw, selectorPath(sel), ['selector', selectorString(sel)]);
        continue;
      }
      arr(spec(gw).servers).forEach((srv, i) => {
        const cn = str(obj(obj(srv).tls).credentialName);
        if (cn === '') return;
        const path = ['spec', 'servers', i, 'tls', 'credentialName'];
        const n = shortOrFullName(pod.namespace, cn);
        const secrets = ctx.getAll(GK.Secret, n.namespace, n.name);
        if (!secrets.length) {
          ctx.report('IST0101', gw, path, ['credentialName', cn]);
          return;
        }
        // Any definition of the Secret that is a valid credential satisfies the reference; else the first one's problem.
        const problems = secrets.map((s) => credentialProblem(s.obj, now));
        if (problems.some((p) => p === undefined)) return;
        const [secret, problem] = [secrets[0], problems[0]!];
        const text = `Secret ${n.namespace}/${n.name}: ${problem.text}.`;
        ctx.report('IST0161', gw, path, [gw.name, pod.namespace], [relatedAt(secret, text, problem.key === undefined ? ['data'] : ['data', problem.key])], [],
          { severity: levelOf('IST0161'), text });
      });
    }
  },
};
