/**
 * Data layout of image graphs: `--layout nchw` (toChannelsFirst), the transpose optimizer it runs,
 * and the manifest entries that tell how a written graph is to be fed.
 */
export {
  type ChannelsFirstOptions,
  channelsLastInputs,
  recordChannelsLast,
  toChannelsFirst,
} from './channels-first.js';
export { countTransposes, type OptimizeResult, optimizeTransposes } from './optimize.js';
export {
  hasLayoutRecord,
  layoutMoveRecord,
  manifestChanges,
  type PermutedValue,
  withChange,
} from './record.js';
export {
  alignLayouts,
  channelsLastView,
  type LayoutAdaptation,
  type PermSpec,
  recordedSourceLayout,
} from './view.js';
