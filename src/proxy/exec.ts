// Running the netfilter tools with a script on stdin (`nft -f -`, `iptables-restore`): one
// process per batch, its error output in the rejection.
import { runWithInput } from '../util/exec.js';

export { runWithInput };

export const run = (cmd: string, args: string[]): Promise<string> => runWithInput(cmd, args, '');
