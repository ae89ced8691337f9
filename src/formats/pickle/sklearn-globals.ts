/**
 * scikit-learn's classes as plain data. An estimator pickles as `cls.__new__(cls)` (NEWOBJ, or
 * `copyreg._reconstructor` under protocols 0–1) plus BUILD with `__getstate__()`: its `__dict__`
 * (constructor parameters, fitted attributes ending in `_`, private helpers) and
 * `_sklearn_version` (sklearn/base.py `BaseEstimator.__getstate__`). nnport records that state and
 * never runs the class.
 *
 * The list was found by pickling every estimator below, fitted on small random data, with
 * scikit-learn 1.2.1 / NumPy 1.24 under protocols 2, 4 and 5 and listing each `find_class` call
 * (and `pickletools.dis` for the rest), and by reading the real pickles in the corpus
 * (scikit-learn 0.19.2 to 1.7.1). scikit-learn renamed its modules to private ones in 0.22
 * (`sklearn.linear_model.logistic` → `sklearn.linear_model._logistic`); pickles record the module
 * that defined the class, so both spellings are listed.
 */
import { badArguments, type GlobalTable, plainClass, VALUE_ONLY } from '../../io/pickle/allow-list.js';
import { asSequence, type GlobalHandler, PyBytes, type PyValue, pyTypeName } from '../../io/pickle/values.js';

/** Estimators (and their pickled helpers) by defining module, old public spelling first. */
const CLASSES: readonly (readonly [modules: readonly string[], classes: readonly string[]])[] = [
  [
    ['sklearn.linear_model.logistic', 'sklearn.linear_model._logistic'],
    ['LogisticRegression', 'LogisticRegressionCV'],
  ],
  [['sklearn.linear_model.base', 'sklearn.linear_model._base'], ['LinearRegression']],
  [
    ['sklearn.linear_model.ridge', 'sklearn.linear_model._ridge'],
    ['Ridge', 'RidgeClassifier', 'RidgeCV', 'RidgeClassifierCV'],
  ],
  [
    ['sklearn.linear_model.coordinate_descent', 'sklearn.linear_model._coordinate_descent'],
    ['Lasso', 'ElasticNet', 'LassoCV', 'ElasticNetCV', 'MultiTaskLasso', 'MultiTaskElasticNet'],
  ],
  [
    ['sklearn.linear_model.stochastic_gradient', 'sklearn.linear_model._stochastic_gradient'],
    ['SGDClassifier', 'SGDRegressor', 'SGDOneClassSVM'],
  ],
  [['sklearn.linear_model.perceptron', 'sklearn.linear_model._perceptron'], ['Perceptron']],
  // SGD's `loss_function_` (until scikit-learn 1.6): Cython loss objects pickled as `Hinge(1.0)`.
  [
    ['sklearn.linear_model.sgd_fast', 'sklearn.linear_model._sgd_fast'],
    [
      'Hinge',
      'SquaredHinge',
      'ModifiedHuber',
      'Log',
      'SquaredLoss',
      'Huber',
      'EpsilonInsensitive',
      'SquaredEpsilonInsensitive',
    ],
  ],
  [
    ['sklearn._loss._loss'],
    ['CyHalfSquaredError', 'CyHuberLoss', 'CyHalfBinomialLoss', 'CyHalfMultinomialLoss'],
  ],
  [
    ['sklearn.neural_network.multilayer_perceptron', 'sklearn.neural_network._multilayer_perceptron'],
    ['MLPClassifier', 'MLPRegressor'],
  ],
  // MLP's `_optimizer` (solver 'adam' or 'sgd'): learning rates and moment arrays.
  [
    ['sklearn.neural_network.stochastic_optimizers', 'sklearn.neural_network._stochastic_optimizers'],
    ['AdamOptimizer', 'SGDOptimizer'],
  ],
  [
    ['sklearn.preprocessing.data', 'sklearn.preprocessing._data'],
    ['StandardScaler', 'MinMaxScaler', 'MaxAbsScaler', 'RobustScaler', 'Normalizer'],
  ],
  // OneHotEncoder lived in preprocessing/data.py until 0.19, _encoders.py since 0.20.
  [
    ['sklearn.preprocessing.data', 'sklearn.preprocessing._encoders'],
    ['OneHotEncoder', 'OrdinalEncoder'],
  ],
  [
    ['sklearn.preprocessing.label', 'sklearn.preprocessing._label'],
    ['LabelEncoder', 'LabelBinarizer'],
  ],
  [['sklearn.pipeline'], ['Pipeline']],
];

/** Every `module.Class` of scikit-learn nnport allows, in a stable order (for docs and tests). */
export const SKLEARN_CLASS_NAMES: readonly string[] = CLASSES.flatMap(([modules, classes]) =>
  modules.flatMap((m) => classes.map((c) => `${m}.${c}`)),
);

/**
 * Python types that estimators keep as parameter values (`OneHotEncoder(dtype=float)`): allowed
 * as values only, so REDUCE on them is still refused.
 */
const TYPE_VALUES: readonly string[] = ['float', 'int', 'str', 'bool', 'complex', 'bytes'];

/**
 * `bytes()` and `bytes([ints])`: Python's pickler writes an empty `bytes` under protocols ≤ 2 as
 * `bytes()` (Lib/pickle.py `save_bytes`), which an empty NumPy array's data is.
 */
function makeBytes(args: readonly PyValue[], at: number): PyBytes {
  const a = args[0];
  if (a === undefined) return new PyBytes(new Uint8Array(0));
  if (a instanceof PyBytes) return new PyBytes(a.bytes);
  const items = asSequence(a);
  if (items === undefined) return badArguments('bytes', `made from a ${pyTypeName(a)}`, at);
  const out = new Uint8Array(items.length);
  items.forEach((v, i) => {
    if (typeof v !== 'number' || v < 0 || v > 255) badArguments('bytes', 'an item is not a byte', at);
    out[i] = v;
  });
  return new PyBytes(out);
}

/** The scikit-learn allow-list table: estimators and their helpers as plain classes. */
export const SKLEARN_GLOBALS: GlobalTable = (() => {
  const t: Record<string, GlobalHandler> = {};
  for (const name of SKLEARN_CLASS_NAMES) t[name] = plainClass(name);
  for (const b of ['builtins', '__builtin__']) {
    for (const ty of TYPE_VALUES) t[`${b}.${ty}`] = VALUE_ONLY;
    t[`${b}.bytes`] = { call: makeBytes };
  }
  return t;
})();

/** True when `cls` names a scikit-learn class (an estimator whose state becomes `metadata.sklearn`). */
export function isSklearnClass(cls: string): boolean {
  return cls.startsWith('sklearn.');
}
