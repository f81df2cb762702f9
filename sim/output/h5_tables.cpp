#include "sim/output/h5_tables.h"

namespace suanli::output {

const H5::StrType& text_type() {
  static const H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
  return type;
}

void insert_doubles(H5::CompType& type, size_t first_offset, std::initializer_list<const char*> names) {
  size_t offset = first_offset;
  for (const char* name : names) {
    type.insertMember(name, offset, H5::PredType::NATIVE_DOUBLE);
    offset += sizeof(double);
  }
}

void text_attribute(H5::H5Object& object, const char* name, const std::string& value) {
  H5::Attribute attribute = object.createAttribute(name, text_type(), H5::DataSpace(H5S_SCALAR));
  const char* data = value.c_str();
  attribute.write(text_type(), &data);
}

void number_attribute(H5::H5Object& object, const char* name, double value) {
  H5::Attribute attribute = object.createAttribute(name, H5::PredType::NATIVE_DOUBLE, H5::DataSpace(H5S_SCALAR));
  attribute.write(H5::PredType::NATIVE_DOUBLE, &value);
}

}  // namespace suanli::output
