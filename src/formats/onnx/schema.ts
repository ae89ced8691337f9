/**
 * Field numbers and enums of onnx.proto, the ONNX IR schema.
 *
 * Source: github.com/onnx/onnx `onnx/onnx.proto` at commit 64209faab4da3d679f2d46c7f725f6f2b779279b
 * (IR version 10), completed with the later additions on main (IR 11–12: DataType FLOAT4E2M1 = 23,
 * FLOAT8E8M0 = 24, UINT2 = 25, INT2 = 26; ModelProto.configuration = 26 (DeviceConfigurationProto);
 * NodeProto.device_configurations = 10; TypeProto.opaque_type = 7 from onnx-ml.proto).
 * The field numbers are what both the lazy reader (read-*.ts) and the streaming writer use: one table,
 * so that the two can never disagree. Protobuf wire types for each field follow from the proto type
 * (int64/int32/enum → varint, float → fixed32, double → fixed64, string/bytes/message/packed → length-delimited).
 */

/** IR versions (enum Version). The reader accepts any value; these name the published ones. */
export const IrVersion = {
  /** Oct 10, 2017: the first IR. */
  IR_VERSION_2017_10_10: 1,
  /** Oct 30, 2017: AttributeProto.type discriminator. */
  IR_VERSION_2017_10_30: 2,
  /** Nov 3, 2017: opset_import, NodeProto.domain. */
  IR_VERSION_2017_11_3: 3,
  /** Jan 22, 2019: initializers need not be graph inputs; BFLOAT16. */
  IR_VERSION_2019_1_22: 4,
  /** Mar 18, 2019: TensorAnnotation, quantization_annotation. */
  IR_VERSION_2019_3_18: 5,
  /** Sep 19, 2019: sparse initializers. */
  IR_VERSION_2019_9_19: 6,
  /** May 8, 2020: TrainingInfoProto. */
  IR_VERSION_2020_5_8: 7,
  /** Jul 30, 2021: TypeProto.SparseTensor/Optional, model-local functions. */
  IR_VERSION_2021_7_30: 8,
  /** May 5, 2023: float8 types, FunctionProto.attribute_proto. */
  IR_VERSION_2023_5_5: 9,
  /** 2024: UINT4, INT4. */
  IR_VERSION_2024_3_25: 10,
  /** 2024: FLOAT4E2M1, DeviceConfigurationProto. */
  IR_VERSION_2025_05_12: 11,
  /** 2025: FLOAT8E8M0, UINT2, INT2. */
  IR_VERSION_12: 12,
} as const;

/** AttributeProto.AttributeType: which value field an attribute uses. */
export const AttributeType = {
  UNDEFINED: 0,
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
  SPARSE_TENSOR: 11,
  SPARSE_TENSORS: 12,
  TYPE_PROTO: 13,
  TYPE_PROTOS: 14,
} as const;

/** TensorProto.DataType: every element type of the current schema. */
export const DataType = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  /** IEEE 754 binary16. */
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  /** Two float32, real first. */
  COMPLEX64: 14,
  /** Two float64, real first. */
  COMPLEX128: 15,
  /** float32 truncated to 16 bits. */
  BFLOAT16: 16,
  /** float8 (arXiv 2209.05433): NaN, no inf. */
  FLOAT8E4M3FN: 17,
  /** float8: NaN, no inf, no negative zero. */
  FLOAT8E4M3FNUZ: 18,
  /** float8: IEEE-like, NaN and inf. */
  FLOAT8E5M2: 19,
  /** float8: NaN, no inf, no negative zero. */
  FLOAT8E5M2FNUZ: 20,
  /** 4-bit unsigned, two per byte, first element in the low nibble. */
  UINT4: 21,
  /** 4-bit two's complement, packed like UINT4. */
  INT4: 22,
  /** 4-bit float (OCP MX spec), packed like UINT4. */
  FLOAT4E2M1: 23,
  /** 8-bit exponent-only scale of the OCP microscaling formats. */
  FLOAT8E8M0: 24,
  /** 2-bit unsigned, four per byte, first element in the lowest bits. */
  UINT2: 25,
  /** 2-bit two's complement, packed like UINT2. */
  INT2: 26,
} as const;

/** TensorProto.DataLocation. */
export const DataLocation = {
  /** Data is in raw_data or a typed field. */
  DEFAULT: 0,
  /** Data is in an external file described by external_data. */
  EXTERNAL: 1,
} as const;

/** Protobuf field numbers of ModelProto. */
export const ModelProtoField = {
  IR_VERSION: 1,
  PRODUCER_NAME: 2,
  PRODUCER_VERSION: 3,
  DOMAIN: 4,
  MODEL_VERSION: 5,
  DOC_STRING: 6,
  GRAPH: 7,
  OPSET_IMPORT: 8,
  METADATA_PROPS: 14,
  TRAINING_INFO: 20,
  FUNCTIONS: 25,
  /** repeated DeviceConfigurationProto (IR 11). */
  CONFIGURATION: 26,
} as const;

/** Protobuf field numbers of GraphProto (3, 4, 6–9 reserved). */
export const GraphProtoField = {
  NODE: 1,
  NAME: 2,
  INITIALIZER: 5,
  DOC_STRING: 10,
  INPUT: 11,
  OUTPUT: 12,
  VALUE_INFO: 13,
  QUANTIZATION_ANNOTATION: 14,
  SPARSE_INITIALIZER: 15,
  METADATA_PROPS: 16,
} as const;

/** Protobuf field numbers of NodeProto. */
export const NodeProtoField = {
  INPUT: 1,
  OUTPUT: 2,
  NAME: 3,
  OP_TYPE: 4,
  ATTRIBUTE: 5,
  DOC_STRING: 6,
  DOMAIN: 7,
  OVERLOAD: 8,
  METADATA_PROPS: 9,
  /** repeated NodeDeviceConfigurationProto (IR 11); kept as raw bytes. */
  DEVICE_CONFIGURATIONS: 10,
} as const;

/** Protobuf field numbers of AttributeProto (12, 16–19 reserved). */
export const AttributeProtoField = {
  NAME: 1,
  F: 2,
  I: 3,
  S: 4,
  T: 5,
  G: 6,
  FLOATS: 7,
  INTS: 8,
  STRINGS: 9,
  TENSORS: 10,
  GRAPHS: 11,
  DOC_STRING: 13,
  TP: 14,
  TYPE_PROTOS: 15,
  TYPE: 20,
  REF_ATTR_NAME: 21,
  SPARSE_TENSOR: 22,
  SPARSE_TENSORS: 23,
} as const;

/** Protobuf field numbers of ValueInfoProto. */
export const ValueInfoProtoField = {
  NAME: 1,
  TYPE: 2,
  DOC_STRING: 3,
  METADATA_PROPS: 4,
} as const;

/** Protobuf field numbers of TypeProto (a oneof of the value kinds, plus denotation). */
export const TypeProtoField = {
  TENSOR_TYPE: 1,
  SEQUENCE_TYPE: 4,
  MAP_TYPE: 5,
  DENOTATION: 6,
  /** onnx-ml.proto only. */
  OPAQUE_TYPE: 7,
  SPARSE_TENSOR_TYPE: 8,
  OPTIONAL_TYPE: 9,
} as const;

/** TypeProto.Tensor and TypeProto.SparseTensor share these numbers. */
export const TypeProtoTensorField = {
  ELEM_TYPE: 1,
  SHAPE: 2,
} as const;

/** TypeProto.Sequence and TypeProto.Optional: their single element type. */
export const TypeProtoSequenceField = {
  ELEM_TYPE: 1,
} as const;

/** TypeProto.Map. */
export const TypeProtoMapField = {
  KEY_TYPE: 1,
  VALUE_TYPE: 2,
} as const;

/** TypeProto.Opaque (onnx-ml.proto). */
export const TypeProtoOpaqueField = {
  DOMAIN: 1,
  NAME: 2,
} as const;

/** TensorShapeProto. */
export const TensorShapeProtoField = {
  DIM: 1,
} as const;

/** TensorShapeProto.Dimension (dim_value/dim_param are a oneof). */
export const DimensionField = {
  DIM_VALUE: 1,
  DIM_PARAM: 2,
  DENOTATION: 3,
} as const;

/** Protobuf field numbers of TensorProto. */
export const TensorProtoField = {
  DIMS: 1,
  DATA_TYPE: 2,
  SEGMENT: 3,
  /** packed float (fixed32). */
  FLOAT_DATA: 4,
  /** packed int32 (varint). */
  INT32_DATA: 5,
  STRING_DATA: 6,
  /** packed int64 (varint). */
  INT64_DATA: 7,
  NAME: 8,
  RAW_DATA: 9,
  /** packed double (fixed64). */
  DOUBLE_DATA: 10,
  /** packed uint64 (varint). */
  UINT64_DATA: 11,
  DOC_STRING: 12,
  EXTERNAL_DATA: 13,
  DATA_LOCATION: 14,
  METADATA_PROPS: 16,
} as const;

/** TensorProto.Segment. */
export const SegmentField = {
  BEGIN: 1,
  END: 2,
} as const;

/** SparseTensorProto. */
export const SparseTensorProtoField = {
  VALUES: 1,
  INDICES: 2,
  DIMS: 3,
} as const;

/** StringStringEntryProto. */
export const StringStringEntryProtoField = {
  KEY: 1,
  VALUE: 2,
} as const;

/** OperatorSetIdProto. */
export const OperatorSetIdProtoField = {
  DOMAIN: 1,
  VERSION: 2,
} as const;

/** TensorAnnotation. */
export const TensorAnnotationField = {
  TENSOR_NAME: 1,
  QUANT_PARAMETER_TENSOR_NAMES: 2,
} as const;

/** FunctionProto (2, 3 reserved: since_version and status were removed in IR 8). */
export const FunctionProtoField = {
  NAME: 1,
  INPUT: 4,
  OUTPUT: 5,
  ATTRIBUTE: 6,
  NODE: 7,
  DOC_STRING: 8,
  OPSET_IMPORT: 9,
  DOMAIN: 10,
  ATTRIBUTE_PROTO: 11,
  VALUE_INFO: 12,
  OVERLOAD: 13,
  METADATA_PROPS: 14,
} as const;

/** TrainingInfoProto. */
export const TrainingInfoProtoField = {
  INITIALIZATION: 1,
  ALGORITHM: 2,
  INITIALIZATION_BINDING: 3,
  UPDATE_BINDING: 4,
} as const;

/** DeviceConfigurationProto (IR 11). */
export const DeviceConfigurationProtoField = {
  NAME: 1,
  NUM_DEVICES: 2,
  DEVICE: 3,
} as const;

/** Keys TensorProto.external_data recognises (onnx.proto comments on field 13). */
export const ExternalDataKey = {
  LOCATION: 'location',
  OFFSET: 'offset',
  LENGTH: 'length',
  CHECKSUM: 'checksum',
} as const;
