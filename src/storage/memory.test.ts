import { storeContract } from './contract-suite.js';
import { MemoryStore } from './memory.js';

storeContract({ name: 'memory', open: () => new MemoryStore() });
