// The controller manager: every controller, each with its own client connection to the API.
import type { ClientConfig } from '../client/kubeconfig.js';
import { RestClient } from '../client/rest.js';
import { NamespaceController } from './namespace/controller.js';

export interface ControllerManager {
  stop(): void;
}

export function startControllerManager(config: ClientConfig, log: (line: string) => void = () => undefined): ControllerManager {
  const client = new RestClient(config, 'k8ts-controller-manager');
  const controllers = [new NamespaceController(client, log)];
  for (const c of controllers) void c.run();
  return {
    stop() {
      for (const c of controllers) c.stop();
      client.close();
    },
  };
}
