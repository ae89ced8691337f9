/**
 * The explicit kernel registry (STYLE habit 13: one list, no discovery): ONNX default-domain
 * op name → kernel. An op absent here is reported as UNSUPPORTED_OP by the executor before it runs.
 */
import type { Kernel } from '../kernel.js';
import { addKernel } from './Add.js';
import { averagePoolKernel } from './AveragePool.js';
import { batchNormalizationKernel } from './BatchNormalization.js';
import { castKernel } from './Cast.js';
import { clipKernel } from './Clip.js';
import { concatKernel } from './Concat.js';
import { constantKernel } from './Constant.js';
import { constantOfShapeKernel } from './ConstantOfShape.js';
import { convKernel } from './Conv.js';
import { convTransposeKernel } from './ConvTranspose.js';
import { divKernel } from './Div.js';
import { dropoutKernel } from './Dropout.js';
import { eluKernel } from './Elu.js';
import { erfKernel } from './Erf.js';
import { expandKernel } from './Expand.js';
import { flattenKernel } from './Flatten.js';
import { gatherKernel } from './Gather.js';
import { geluKernel } from './Gelu.js';
import { gemmKernel } from './Gemm.js';
import { globalAveragePoolKernel } from './GlobalAveragePool.js';
import { globalMaxPoolKernel } from './GlobalMaxPool.js';
import { gruKernel } from './GRU.js';
import { hardSigmoidKernel } from './HardSigmoid.js';
import { identityKernel } from './Identity.js';
import { instanceNormalizationKernel } from './InstanceNormalization.js';
import { layerNormalizationKernel } from './LayerNormalization.js';
import { leakyReluKernel } from './LeakyRelu.js';
import { logSoftmaxKernel } from './LogSoftmax.js';
import { lstmKernel } from './LSTM.js';
import { matMulKernel } from './MatMul.js';
import { maxPoolKernel } from './MaxPool.js';
import { mulKernel } from './Mul.js';
import { padKernel } from './Pad.js';
import { powKernel } from './Pow.js';
import { preluKernel } from './PRelu.js';
import { reduceMeanKernel } from './ReduceMean.js';
import { reduceSumKernel } from './ReduceSum.js';
import { reluKernel } from './Relu.js';
import { reshapeKernel } from './Reshape.js';
import { resizeKernel } from './Resize.js';
import { rnnKernel } from './RNN.js';
import { seluKernel } from './Selu.js';
import { shapeKernel } from './Shape.js';
import { sigmoidKernel } from './Sigmoid.js';
import { sliceKernel } from './Slice.js';
import { softmaxKernel } from './Softmax.js';
import { splitKernel } from './Split.js';
import { sqrtKernel } from './Sqrt.js';
import { squeezeKernel } from './Squeeze.js';
import { subKernel } from './Sub.js';
import { tanhKernel } from './Tanh.js';
import { transposeKernel } from './Transpose.js';
import { unsqueezeKernel } from './Unsqueeze.js';
import { upsampleKernel } from './Upsample.js';
import { whereKernel } from './Where.js';

/** Kernels of the default ONNX domain by op name. */
export const KERNELS: ReadonlyMap<string, Kernel> = new Map<string, Kernel>([
  ['Add', addKernel],
  ['Cast', castKernel],
  ['Clip', clipKernel],
  ['Concat', concatKernel],
  ['Constant', constantKernel],
  ['ConstantOfShape', constantOfShapeKernel],
  ['Div', divKernel],
  ['Dropout', dropoutKernel],
  ['Elu', eluKernel],
  ['Erf', erfKernel],
  ['Expand', expandKernel],
  ['Flatten', flattenKernel],
  ['Gather', gatherKernel],
  ['Gelu', geluKernel],
  ['Gemm', gemmKernel],
  ['HardSigmoid', hardSigmoidKernel],
  ['Identity', identityKernel],
  ['LeakyRelu', leakyReluKernel],
  ['LogSoftmax', logSoftmaxKernel],
  ['MatMul', matMulKernel],
  ['Mul', mulKernel],
  ['PRelu', preluKernel],
  ['Pow', powKernel],
  ['ReduceMean', reduceMeanKernel],
  ['ReduceSum', reduceSumKernel],
  ['Relu', reluKernel],
  ['Reshape', reshapeKernel],
  ['Selu', seluKernel],
  ['Shape', shapeKernel],
  ['Sigmoid', sigmoidKernel],
  ['Slice', sliceKernel],
  ['Softmax', softmaxKernel],
  ['Split', splitKernel],
  ['Sqrt', sqrtKernel],
  ['Squeeze', squeezeKernel],
  ['Sub', subKernel],
  ['Tanh', tanhKernel],
  ['Transpose', transposeKernel],
  ['Unsqueeze', unsqueezeKernel],
  ['Where', whereKernel],
  ['AveragePool', averagePoolKernel],
  ['BatchNormalization', batchNormalizationKernel],
  ['Conv', convKernel],
  ['ConvTranspose', convTransposeKernel],
  ['GlobalAveragePool', globalAveragePoolKernel],
  ['GlobalMaxPool', globalMaxPoolKernel],
  ['GRU', gruKernel],
  ['InstanceNormalization', instanceNormalizationKernel],
  ['LayerNormalization', layerNormalizationKernel],
  ['LSTM', lstmKernel],
  ['MaxPool', maxPoolKernel],
  ['Pad', padKernel],
  ['Resize', resizeKernel],
  ['RNN', rnnKernel],
  ['Upsample', upsampleKernel],
]);
