/**
 * The explicit kernel registry (STYLE habit 13: one list, no discovery): ONNX default-domain
 * op name → kernel. An op absent here is reported as UNSUPPORTED_OP by the executor before it runs.
 */
import type { Kernel } from '../kernel.js';
import { absKernel } from './Abs.js';
import { acosKernel } from './Acos.js';
import { acoshKernel } from './Acosh.js';
import { addKernel } from './Add.js';
import { andKernel } from './And.js';
import { asinKernel } from './Asin.js';
import { asinhKernel } from './Asinh.js';
import { atanKernel } from './Atan.js';
import { atanhKernel } from './Atanh.js';
import { averagePoolKernel } from './AveragePool.js';
import { batchNormalizationKernel } from './BatchNormalization.js';
import { castKernel } from './Cast.js';
import { ceilKernel } from './Ceil.js';
import { clipKernel } from './Clip.js';
import { concatKernel } from './Concat.js';
import { constantKernel } from './Constant.js';
import { constantOfShapeKernel } from './ConstantOfShape.js';
import { convKernel } from './Conv.js';
import { convTransposeKernel } from './ConvTranspose.js';
import { cosKernel } from './Cos.js';
import { coshKernel } from './Cosh.js';
import { divKernel } from './Div.js';
import { dropoutKernel } from './Dropout.js';
import { eluKernel } from './Elu.js';
import { equalKernel } from './Equal.js';
import { erfKernel } from './Erf.js';
import { expKernel } from './Exp.js';
import { expandKernel } from './Expand.js';
import { flattenKernel } from './Flatten.js';
import { floorKernel } from './Floor.js';
import { gatherKernel } from './Gather.js';
import { geluKernel } from './Gelu.js';
import { gemmKernel } from './Gemm.js';
import { globalAveragePoolKernel } from './GlobalAveragePool.js';
import { globalLpPoolKernel } from './GlobalLpPool.js';
import { globalMaxPoolKernel } from './GlobalMaxPool.js';
import { gruKernel } from './GRU.js';
import { greaterKernel } from './Greater.js';
import { greaterOrEqualKernel } from './GreaterOrEqual.js';
import { hardSigmoidKernel } from './HardSigmoid.js';
import { identityKernel } from './Identity.js';
import { instanceNormalizationKernel } from './InstanceNormalization.js';
import { isInfKernel } from './IsInf.js';
import { isNaNKernel } from './IsNaN.js';
import { layerNormalizationKernel } from './LayerNormalization.js';
import { leakyReluKernel } from './LeakyRelu.js';
import { lessKernel } from './Less.js';
import { lessOrEqualKernel } from './LessOrEqual.js';
import { logKernel } from './Log.js';
import { logSoftmaxKernel } from './LogSoftmax.js';
import { lpPoolKernel } from './LpPool.js';
import { lstmKernel } from './LSTM.js';
import { matMulKernel } from './MatMul.js';
import { maxKernel } from './Max.js';
import { maxPoolKernel } from './MaxPool.js';
import { meanKernel } from './Mean.js';
import { minKernel } from './Min.js';
import { modKernel } from './Mod.js';
import { mulKernel } from './Mul.js';
import { negKernel } from './Neg.js';
import { notKernel } from './Not.js';
import { orKernel } from './Or.js';
import { padKernel } from './Pad.js';
import { powKernel } from './Pow.js';
import { preluKernel } from './PRelu.js';
import { rangeKernel } from './Range.js';
import { reciprocalKernel } from './Reciprocal.js';
import { reduceL2Kernel } from './ReduceL2.js';
import { reduceLogSumExpKernel } from './ReduceLogSumExp.js';
import { reduceMaxKernel } from './ReduceMax.js';
import { reduceMeanKernel } from './ReduceMean.js';
import { reduceMinKernel } from './ReduceMin.js';
import { reduceProdKernel } from './ReduceProd.js';
import { reduceSumKernel } from './ReduceSum.js';
import { reluKernel } from './Relu.js';
import { reshapeKernel } from './Reshape.js';
import { resizeKernel } from './Resize.js';
import { rnnKernel } from './RNN.js';
import { roundKernel } from './Round.js';
import { seluKernel } from './Selu.js';
import { shapeKernel } from './Shape.js';
import { sigmoidKernel } from './Sigmoid.js';
import { signKernel } from './Sign.js';
import { sinKernel } from './Sin.js';
import { sinhKernel } from './Sinh.js';
import { sliceKernel } from './Slice.js';
import { softmaxKernel } from './Softmax.js';
import { softplusKernel } from './Softplus.js';
import { softsignKernel } from './Softsign.js';
import { splitKernel } from './Split.js';
import { sqrtKernel } from './Sqrt.js';
import { squeezeKernel } from './Squeeze.js';
import { subKernel } from './Sub.js';
import { sumKernel } from './Sum.js';
import { tanKernel } from './Tan.js';
import { tanhKernel } from './Tanh.js';
import { transposeKernel } from './Transpose.js';
import { unsqueezeKernel } from './Unsqueeze.js';
import { upsampleKernel } from './Upsample.js';
import { whereKernel } from './Where.js';
import { xorKernel } from './Xor.js';

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
  ['Abs', absKernel],
  ['Acos', acosKernel],
  ['Acosh', acoshKernel],
  ['And', andKernel],
  ['Asin', asinKernel],
  ['Asinh', asinhKernel],
  ['Atan', atanKernel],
  ['Atanh', atanhKernel],
  ['Ceil', ceilKernel],
  ['Cos', cosKernel],
  ['Cosh', coshKernel],
  ['Equal', equalKernel],
  ['Exp', expKernel],
  ['Floor', floorKernel],
  ['GlobalLpPool', globalLpPoolKernel],
  ['Greater', greaterKernel],
  ['GreaterOrEqual', greaterOrEqualKernel],
  ['IsInf', isInfKernel],
  ['IsNaN', isNaNKernel],
  ['Less', lessKernel],
  ['LessOrEqual', lessOrEqualKernel],
  ['Log', logKernel],
  ['LpPool', lpPoolKernel],
  ['Max', maxKernel],
  ['Mean', meanKernel],
  ['Min', minKernel],
  ['Mod', modKernel],
  ['Neg', negKernel],
  ['Not', notKernel],
  ['Or', orKernel],
  ['Range', rangeKernel],
  ['Reciprocal', reciprocalKernel],
  ['ReduceL2', reduceL2Kernel],
  ['ReduceLogSumExp', reduceLogSumExpKernel],
  ['ReduceMax', reduceMaxKernel],
  ['ReduceMin', reduceMinKernel],
  ['ReduceProd', reduceProdKernel],
  ['Round', roundKernel],
  ['Sign', signKernel],
  ['Sin', sinKernel],
  ['Sinh', sinhKernel],
  ['Softplus', softplusKernel],
  ['Softsign', softsignKernel],
  ['Sum', sumKernel],
  ['Tan', tanKernel],
  ['Xor', xorKernel],
]);
