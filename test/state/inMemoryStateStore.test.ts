// The in-memory state store meets the state store contract.
import { InMemoryStateStore } from '../../state/InMemoryStateStore.ts';
import { stateStoreContract } from './stateStore.contract.ts';

stateStoreContract('in-memory', (items) => new InMemoryStateStore(1, items));
