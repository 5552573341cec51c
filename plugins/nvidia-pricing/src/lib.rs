//! nvidia-pricing (work in progress).
