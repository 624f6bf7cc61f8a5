/**
 * The Automerge engine, kept out of the main entry point so that browser
 * bundles using Yjs do not load Automerge's WebAssembly.
 *
 * @example
 * import { automergeEngine } from '@brigade/crdt-model/automerge';
 * const day = new ServiceDay(automergeEngine(), { device: 'till-1', menu });
 */
export {
  AutomergeEngine,
  type AutomergeEngineOptions,
  automergeEngine,
} from './engine/automerge.ts';
