// The kubelet's streaming protocols: exec and attach (WebSocket channel protocols or SPDY) and
// port-forward (SPDY, alone or tunnelled in a WebSocket), relayed to the runtime's streaming server.
export { handleRemoteCommand, type RemoteCommandOptions } from './remote-command.js';
export { handlePortForward, type PortForwardOptions } from './port-forward.js';
