#pragma once
// Writing tables of rows (HDF5 compound data sets) and scalar attributes, for
// every results.h5 the simulator writes.
#include <H5Cpp.h>

#include <initializer_list>
#include <string>
#include <vector>

namespace suanli::output {

const H5::StrType& text_type();  // variable-length strings; rows hold const char*

// Rows keep their double columns side by side, so they are added as one run.
void insert_doubles(H5::CompType& type, size_t first_offset, std::initializer_list<const char*> names);

template <typename Row>
void write_table(H5::H5File& file, const char* name, const H5::CompType& type, const std::vector<Row>& rows) {
  const hsize_t count = rows.size();
  H5::DataSpace space(1, &count);
  H5::DataSet set = file.createDataSet(name, type, space);
  if (count > 0) set.write(rows.data(), type);
}

void text_attribute(H5::H5Object& object, const char* name, const std::string& value);
void number_attribute(H5::H5Object& object, const char* name, double value);

}  // namespace suanli::output
