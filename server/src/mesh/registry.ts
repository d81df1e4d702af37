// Every mesh analyzer, named after Istio's. Add new analyzers here (one line each).
import type { MeshAnalyzer } from './context';
import { caCertificateAnalyzer } from './analyzers/destinationrule-cacertificate';
import { portNameAnalyzer } from './analyzers/service-portname';
import { serviceEntryAnalyzer } from './analyzers/serviceentry-protocoladdresses';
import { externalControlPlaneAnalyzer } from './analyzers/externalcontrolplane';
import { applicationUIDAnalyzer } from './analyzers/applicationuid';
import { envoyPatchAnalyzer } from './analyzers/envoyfilter-patch';
import { sidecarSelectorAnalyzer } from './analyzers/sidecar-selector';
import { subsetSelectPodAnalyzer } from './analyzers/destinationrule-subsetselectpod';
import { injectionAnalyzer } from './analyzers/injection';
import { imageAnalyzer } from './analyzers/injection-image';
import { imageAutoAnalyzer } from './analyzers/injection-imageauto';
import { webhookAnalyzer } from './analyzers/webhook';
import { conditionAnalyzer } from './analyzers/conditions';
import { authorizationPoliciesAnalyzer } from './analyzers/auth-authorizationpolicies';
import { deprecationAnalyzer } from './analyzers/deprecation-fields';
import { alphaAnalyzer } from './analyzers/annotations-alpha';
import { blockedCIDRsAnalyzer } from './analyzers/authn-blockedcidrs';
import { multiClusterServiceAnalyzer } from './analyzers/multicluster-service';
import { multiServiceAnalyzer } from './analyzers/deployment-multiservice';
import { telemetryProviderAnalyzer } from './analyzers/telemetry-provider';
import { conflictingServiceEntryProtocolAnalyzer } from './analyzers/serviceentry-conflictingprotocol';
import { telemetryDefaultSelectorAnalyzer } from './analyzers/telemetry-defaultselector';
import { telemetrySelectorAnalyzer } from './analyzers/telemetry-selector';
import { telemetryLightstepAnalyzer } from './analyzers/telemetry-lightstep';
import { meshNetworksAnalyzer } from './analyzers/meshnetworks';
import { k8sGatewaySelectorAnalyzer } from './analyzers/k8sgateway-selector';
import { k8sGatewayCRDVersionAnalyzer } from './analyzers/k8sgateway-crdversion';
import { jwtClaimRouteAnalyzer } from './analyzers/virtualservice-jwtclaimroute';
import { certificateAnalyzer } from './analyzers/gateway-certificate';
import { conflictingGatewayAnalyzer } from './analyzers/gateway-conflictinggateway';
import { ingressGatewayPortAnalyzer } from './analyzers/gateway-ingressgatewayport';
import { secretAnalyzer } from './analyzers/gateway-secret';
import { conflictingMeshGatewayHostsAnalyzer } from './analyzers/virtualservice-conflictingmeshgatewayhosts';
import { destinationHostAnalyzer } from './analyzers/virtualservice-destinationhost';
import { destinationRuleAnalyzer } from './analyzers/virtualservice-destinationrule';
import { gatewayAnalyzer } from './analyzers/virtualservice-gateway';
import { duplicateResourceAnalyzer } from './analyzers/workspace-duplicates';
import { virtualServiceValidationAnalyzer } from './analyzers/schema-validation';

export const MESH_ANALYZERS: readonly MeshAnalyzer[] = [
  certificateAnalyzer,
  conflictingGatewayAnalyzer,
  ingressGatewayPortAnalyzer,
  secretAnalyzer,
  conflictingMeshGatewayHostsAnalyzer,
  destinationHostAnalyzer,
  destinationRuleAnalyzer,
  gatewayAnalyzer,
  caCertificateAnalyzer,
  portNameAnalyzer,
  serviceEntryAnalyzer,
  externalControlPlaneAnalyzer,
  applicationUIDAnalyzer,
  envoyPatchAnalyzer,
  sidecarSelectorAnalyzer,
  subsetSelectPodAnalyzer,
  injectionAnalyzer,
  imageAnalyzer,
  imageAutoAnalyzer,
  webhookAnalyzer,
  conditionAnalyzer,
  authorizationPoliciesAnalyzer,
  deprecationAnalyzer,
  alphaAnalyzer,
  blockedCIDRsAnalyzer,
  multiClusterServiceAnalyzer,
  multiServiceAnalyzer,
  telemetryProviderAnalyzer,
  conflictingServiceEntryProtocolAnalyzer,
  telemetryDefaultSelectorAnalyzer,
  telemetrySelectorAnalyzer,
  telemetryLightstepAnalyzer,
  meshNetworksAnalyzer,
  k8sGatewaySelectorAnalyzer,
  k8sGatewayCRDVersionAnalyzer,
  jwtClaimRouteAnalyzer,
  duplicateResourceAnalyzer,
  virtualServiceValidationAnalyzer,
];
