#pragma once
// A fresh SystemC kernel context per simulation run (see simulation.h).
#include <systemc>

#include <cstdlib>

namespace suanli::sim {

// SystemC keeps its kernel in a global context that cannot elaborate again once it
// has run. A new context per run gives each simulation a clean kernel.
class FreshKernel {
 public:
  FreshKernel() {
    // Set before the kernel first starts, so its banner does not pollute our output.
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
    context_ = new sc_core::sc_simcontext();
    sc_core::sc_curr_simcontext = context_;
    sc_core::sc_default_global_context = context_;
    sc_core::sc_set_time_resolution(1, sc_core::SC_PS);
    // A device that finds an error stops the kernel; that is reported as our error,
    // not as SystemC's "simulation stopped by user" note.
    sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  }
  ~FreshKernel() {
    // The modules are gone by now. With no current context, SystemC creates a blank
    // one the next time anyone asks for it.
    delete context_;
    sc_core::sc_curr_simcontext = nullptr;
    sc_core::sc_default_global_context = nullptr;
  }
  FreshKernel(const FreshKernel&) = delete;
  FreshKernel& operator=(const FreshKernel&) = delete;

 private:
  sc_core::sc_simcontext* context_;
};

}  // namespace suanli::sim
