#pragma once
// Quantities with units as users write them: "1GiB", "80e9", "4.8TB/s", "5us".
#include <string>

namespace suanli::units {

// Bytes: plain number, or number with B, kB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB.
// Throws std::invalid_argument with the expected form when the text does not parse.
double parse_bytes(const std::string& text);

// Seconds: plain number, or number with s, ms, us, ns, ps.
double parse_seconds(const std::string& text);

// Human-readable forms for tables.
std::string format_bytes(double bytes);
std::string format_seconds(double seconds);

}  // namespace suanli::units
