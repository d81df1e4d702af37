// The kinds whose Istio webhook validation is ported, keyed by "<group>/<Kind>". Add new kinds here (one line each).
import type { KindValidator } from './types';
import { validateVirtualService } from './virtualservice';
import { validateGateway } from './gateway';
import { validateDestinationRule } from './destinationrule';
import { validateSidecar } from './sidecar';
import { validateServiceEntry } from './serviceentry';
import { validateWorkloadEntry } from './workloadentry';
import { validateEnvoyFilter } from './envoyfilter';
import { validateAuthorizationPolicy } from './authorizationpolicy';
import { validatePeerAuthentication } from './peerauthentication';
import { validateRequestAuthentication } from './requestauthentication';

export const KIND_VALIDATORS: ReadonlyMap<string, KindValidator> = new Map<string, KindValidator>([
  ['networking.istio.io/VirtualService', validateVirtualService],
  ['networking.istio.io/Gateway', validateGateway],
  ['networking.istio.io/DestinationRule', validateDestinationRule],
  ['networking.istio.io/Sidecar', validateSidecar],
  ['networking.istio.io/ServiceEntry', validateServiceEntry],
  ['networking.istio.io/WorkloadEntry', validateWorkloadEntry],
  ['networking.istio.io/EnvoyFilter', validateEnvoyFilter],
  ['security.istio.io/AuthorizationPolicy', validateAuthorizationPolicy],
  ['security.istio.io/PeerAuthentication', validatePeerAuthentication],
  ['security.istio.io/RequestAuthentication', validateRequestAuthentication],
]);
