//! Work spread over every core on plain threads, for code that may run
//! inside a rayon worker holding a `OnceLock`'s initialisation: a rayon
//! join there may steal another page's check, which would wait on the same
//! `OnceLock` on the same thread for ever.

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Items per thread: an even share for each core.
pub(crate) fn chunk_size(items: usize) -> usize {
    items.div_ceil(threads()).max(1)
}

/// `f` over `items` on every core, results in order.
pub(crate) fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    if items.len() <= 1 {
        return items.iter().map(f).collect();
    }
    std::thread::scope(|scope| {
        let f = &f;
        let handles: Vec<_> = items
            .chunks(chunk_size(items.len()))
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for h in handles {
            match h.join() {
                Ok(part) => out.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}
