// k8ts's own add-ons that are plain objects, as files of the manifests directory
// (<data-dir>/server/manifests), applied by the add-on manager as k3s applies its packaged
// manifests: users see them there, and override them with `--disable NAME` or a `NAME.yaml.skip`.
import { join } from 'node:path';
import { stringify } from 'yaml';
import { AddonManager, type PackagedAddon } from '../addons/manager.js';
import { defaultIngressClass } from '../ingress/controller.js';
import { gatewayApiCrds } from '../ingress/gateway/crds.js';
import { localPathStorageClass } from '../localpath/provisioner.js';
import type { ApiClient } from '../client/rest.js';

/** The names `--disable` takes for them (local-storage also stops the node's provisioner). */
export const PACKAGED_ADDONS = ['local-storage', 'ingress-class', 'gateway-api'] as const;

const yamlFile = (what: string, objects: unknown[]) => `# ${what}\n# Written by k8ts at every start; to change it, add a .skip file beside it and put your own in the folder.\n` + objects.map((o) => stringify(o)).join('---\n');

export function packagedAddons(): PackagedAddon[] {
  return [
    { name: 'local-storage', manifest: yamlFile('The default StorageClass, served by the local-path provisioner of every node.', [localPathStorageClass()]) },
    { name: 'ingress-class', manifest: yamlFile('The default IngressClass, served by the ingress controller of every node.', [defaultIngressClass()]) },
    { name: 'gateway-api', manifest: yamlFile('The Gateway API CRDs (standard channel), served by the ingress controller of every node.', gatewayApiCrds()) },
  ];
}

export const manifestsDir = (dataDir: string): string => join(dataDir, 'server', 'manifests');

export interface AddonOptions {
  /** Packaged add-ons not to install (and to remove). */
  disable?: readonly string[];
  /** How often every file is checked again besides the file watch (default 15 s). */
  resyncMs?: number;
}

export async function startAddons(client: ApiClient, dataDir: string, o: AddonOptions, log: (line: string) => void): Promise<AddonManager> {
  const manager = new AddonManager(client, { dir: manifestsDir(dataDir), packaged: packagedAddons(), disabled: new Set(o.disable ?? []), resyncMs: o.resyncMs, log });
  await manager.start();
  return manager;
}
