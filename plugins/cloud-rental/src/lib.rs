//! cloud-rental (work in progress).
