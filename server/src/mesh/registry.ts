// Every mesh analyzer, named after Istio's. Add new analyzers here (one line each).
import type { MeshAnalyzer } from './context';
import { certificateAnalyzer } from './analyzers/gateway-certificate';
import { conflictingGatewayAnalyzer } from './analyzers/gateway-conflictinggateway';
import { ingressGatewayPortAnalyzer } from './analyzers/gateway-ingressgatewayport';
import { secretAnalyzer } from './analyzers/gateway-secret';
import { conflictingMeshGatewayHostsAnalyzer } from './analyzers/virtualservice-conflictingmeshgatewayhosts';
import { destinationHostAnalyzer } from './analyzers/virtualservice-destinationhost';
import { destinationRuleAnalyzer } from './analyzers/virtualservice-destinationrule';
import { gatewayAnalyzer } from './analyzers/virtualservice-gateway';

export const MESH_ANALYZERS: readonly MeshAnalyzer[] = [
  certificateAnalyzer,
  conflictingGatewayAnalyzer,
  ingressGatewayPortAnalyzer,
  secretAnalyzer,
  conflictingMeshGatewayHostsAnalyzer,
  destinationHostAnalyzer,
  destinationRuleAnalyzer,
  gatewayAnalyzer,
];
