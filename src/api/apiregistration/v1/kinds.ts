// The kinds apiregistration.k8s.io/v1 serves: APIService, what the aggregation layer routes by.
import './schema.js';
import type { KindDefinition } from '../../scheme/kind.js';
import type { APIService } from './types.js';
import { validateAPIService, validateAPIServiceStatusUpdate, validateAPIServiceUpdate } from './validation.js';

export const apiServiceKind: KindDefinition<APIService> = {
  group: 'apiregistration.k8s.io',
  version: 'v1',
  kind: 'APIService',
  plural: 'apiservices',
  singular: 'apiservice',
  categories: ['api-extensions'],
  namespaced: false,
  schema: 'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIService',
  hasStatus: true,
  default(svc) {
    // SetDefaults_ServiceReference: port 443.
    const s = svc.spec?.service;
    if (s && s.port === undefined) s.port = 443;
  },
  prepareForCreate(svc) {
    // The availability controller owns status; a client's is dropped, as upstream's strategy.
    svc.status = {};
  },
  validateCreate: validateAPIService,
  validateUpdate: validateAPIServiceUpdate,
  validateStatusUpdate: validateAPIServiceStatusUpdate,
};

export const apiRegistrationKinds: readonly KindDefinition[] = [apiServiceKind] as unknown as readonly KindDefinition[];
