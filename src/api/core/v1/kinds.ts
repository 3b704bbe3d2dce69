// Every core/v1 kind except the Pod family, in discovery order.
import '../../schema/meta.js';
import './references-schema.js';
import type { KindDefinition } from '../../scheme/kind.js';
import { configMapKind } from './configmap.js';
import { endpointsKind } from './endpoints.js';
import { eventKind } from './event.js';
import { limitRangeKind } from './limitrange.js';
import { namespaceKind } from './namespace.js';
import { nodeKind } from './node.js';
import { persistentVolumeKind } from './persistentvolume.js';
import { persistentVolumeClaimKind } from './persistentvolumeclaim.js';
import { resourceQuotaKind } from './resourcequota.js';
import { secretKind } from './secret.js';
import { serviceKind } from './service.js';
import { serviceAccountKind } from './serviceaccount.js';

export const coreKinds: KindDefinition[] = [
  configMapKind,
  endpointsKind,
  eventKind,
  limitRangeKind,
  namespaceKind,
  nodeKind,
  persistentVolumeClaimKind,
  persistentVolumeKind,
  resourceQuotaKind,
  secretKind,
  serviceAccountKind,
  serviceKind,
] as KindDefinition[];
