#pragma once
// libgomp lets an idle worker spin for ~300k iterations before sleeping. On a 2-core machine
// that spinning competes with the thread that has the next piece of work: a click's decoder
// time became bimodal (35 / 48 ms). A short spin keeps the fast path and drops the slow mode.
// libgomp reads the setting from the environment once, when it loads, so this must run first
// thing in main(): it re-executes the program once with GOMP_SPINCOUNT set, unless the user
// already chose OMP_WAIT_POLICY or GOMP_SPINCOUNT.

namespace sam3::platform {

void preferShortOpenMpSpin(int argc, char** argv);

}  // namespace sam3::platform
