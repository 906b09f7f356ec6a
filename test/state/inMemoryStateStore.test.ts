// The in-memory state store meets the state store contract, for orders and for the plant's stations.
import { InMemoryStateStore } from '../../state/InMemoryStateStore.ts';
import { plantStateContract } from './plantState.contract.ts';
import { stateStoreContract } from './stateStore.contract.ts';

stateStoreContract('in-memory', (items) => new InMemoryStateStore(1, items));
plantStateContract('in-memory', () => new InMemoryStateStore());
