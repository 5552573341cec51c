//! salary-us (work in progress).
