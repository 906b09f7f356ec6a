// The in-memory observation and calibration stores meet the stores' contract.
import { InMemoryCalibrationStore } from '../../forecast/CalibrationStore.ts';
import { InMemoryObservationStore } from '../../forecast/ObservationStore.ts';
import { calibrationStoreContract, observationStoreContract } from './calibrationStores.contract.ts';

observationStoreContract('in-memory', (window) => new InMemoryObservationStore(window));
calibrationStoreContract('in-memory', () => new InMemoryCalibrationStore());
