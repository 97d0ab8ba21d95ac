//! The review queue: at most one pending job per merge request (a newer event
//! supersedes a queued older one), at most one review per merge request at a
//! time, first come first served, bounded.

use std::collections::{HashMap, HashSet, VecDeque};

/// A merge request: the configured project and the IID.
pub type Key = (String, u64);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    /// A full review; the head commit named by the event, if any.
    Review { head: Option<String> },
    /// Re-check the label rule with these labels.
    Labels(Vec<String>),
}

/// What [`Queue::push`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pushed {
    Added,
    /// A job for the same MR was waiting: the two became one.
    Superseded,
    /// The queue is full: nothing was added.
    Full,
}

#[derive(Debug)]
pub struct Queue {
    order: VecDeque<Key>,
    pending: HashMap<Key, Job>,
    running: HashSet<Key>,
    capacity: usize,
}

impl Queue {
    pub fn new(capacity: usize) -> Queue {
        Queue {
            order: VecDeque::new(),
            pending: HashMap::new(),
            running: HashSet::new(),
            capacity: capacity.max(1),
        }
    }

    /// Merge requests waiting for a review.
    pub fn depth(&self) -> usize {
        self.pending.len()
    }

    pub fn push(&mut self, key: Key, job: Job) -> Pushed {
        if let Some(waiting) = self.pending.get_mut(&key) {
            // A full review reads the labels too: a label change never
            // downgrades it.
            if !matches!((&*waiting, &job), (Job::Review { .. }, Job::Labels(_))) {
                *waiting = job;
            }
            return Pushed::Superseded;
        }
        if self.pending.len() >= self.capacity {
            return Pushed::Full;
        }
        self.order.push_back(key.clone());
        self.pending.insert(key, job);
        Pushed::Added
    }

    /// Forget the waiting job of a closed or merged MR; whether there was one.
    pub fn drop_mr(&mut self, key: &Key) -> bool {
        let had = self.pending.remove(key).is_some();
        if had {
            self.order.retain(|k| k != key);
        }
        had
    }

    /// The oldest waiting job whose MR is not under review; it is marked running.
    pub fn take(&mut self) -> Option<(Key, Job)> {
        let at = self.order.iter().position(|k| !self.running.contains(k))?;
        let key = self.order.remove(at)?;
        let job = self.pending.remove(&key)?;
        self.running.insert(key.clone());
        Some((key, job))
    }

    /// The review of `key` is over.
    pub fn done(&mut self, key: &Key) {
        self.running.remove(key);
    }

    /// Drop every waiting job (at shutdown); how many there were.
    pub fn clear(&mut self) -> usize {
        let n = self.pending.len();
        self.pending.clear();
        self.order.clear();
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(iid: u64) -> Key {
        ("1".into(), iid)
    }

    fn review(head: &str) -> Job {
        Job::Review {
            head: Some(head.into()),
        }
    }

    #[test]
    fn newer_events_supersede_and_one_review_per_mr_runs() {
        let mut q = Queue::new(2);
        assert_eq!(q.push(key(1), review("a")), Pushed::Added);
        assert_eq!(q.push(key(1), review("b")), Pushed::Superseded);
        assert_eq!(
            q.push(key(1), Job::Labels(vec!["x".into()])),
            Pushed::Superseded
        );
        assert_eq!(q.push(key(2), Job::Labels(vec![])), Pushed::Added);
        assert_eq!(q.push(key(3), review("c")), Pushed::Full);
        assert_eq!(q.depth(), 2);
        // The label change did not downgrade the waiting review of b.
        assert_eq!(q.take(), Some((key(1), review("b"))));
        assert_eq!(q.push(key(1), review("d")), Pushed::Added);
        // MR 1 is under review: MR 2 goes first, then nothing until 1 is done.
        assert_eq!(q.take(), Some((key(2), Job::Labels(vec![]))));
        assert_eq!(q.take(), None);
        q.done(&key(1));
        assert!(q.drop_mr(&key(1)));
        assert!(!q.drop_mr(&key(1)));
        assert_eq!(q.take(), None);
        assert_eq!(q.push(key(4), review("e")), Pushed::Added);
        assert_eq!(q.clear(), 1);
    }
}
