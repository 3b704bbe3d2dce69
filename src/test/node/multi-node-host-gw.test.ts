// Acceptance 3 of issue 10 over the host-gw pod network (the suite is in multi-node-suite.ts).
import { multiNodeSuite } from './multi-node-suite.js';

multiNodeSuite('host-gw');
