// The resource the certificate controllers watch and write.
import { gvr } from '../../client/resources.js';

export const CSR_RESOURCE = gvr('certificates.k8s.io', 'v1', 'certificatesigningrequests');
