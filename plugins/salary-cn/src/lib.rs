//! salary-cn (work in progress).
