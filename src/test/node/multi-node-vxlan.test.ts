// Acceptance 3 of issue 10 over the vxlan pod network (the suite is in multi-node-suite.ts).
import { multiNodeSuite } from './multi-node-suite.js';

multiNodeSuite('vxlan');
