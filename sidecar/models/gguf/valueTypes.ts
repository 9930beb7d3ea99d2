// GGUF's key/value types (gguf.h's enum gguf_type): ids, names and the byte size of the fixed-size
// ones. The one table for Pylot's header check and for the test fixtures that write and read GGUF;
// llama.cpp's own vocabulary files, read to the end by both, keep it honest.

export enum ValueType {
  U8 = 0,
  I8,
  U16,
  I16,
  U32,
  I32,
  F32,
  Bool,
  String,
  Array,
  U64,
  I64,
  F64,
}

/** Each type's name as a message says it, by id. */
export const valueTypeName = ['u8', 'i8', 'u16', 'i16', 'u32', 'i32', 'f32', 'bool', 'string', 'array', 'u64', 'i64', 'f64'];

/** Byte size of each fixed-size value type; strings and arrays are variable. */
export const fixedSize: Partial<Record<ValueType, number>> = {
  [ValueType.U8]: 1,
  [ValueType.I8]: 1,
  [ValueType.U16]: 2,
  [ValueType.I16]: 2,
  [ValueType.U32]: 4,
  [ValueType.I32]: 4,
  [ValueType.F32]: 4,
  [ValueType.Bool]: 1,
  [ValueType.U64]: 8,
  [ValueType.I64]: 8,
  [ValueType.F64]: 8,
};
