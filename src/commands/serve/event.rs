//! A GitLab merge request event, as the "Webhook events" page documents it
//! (docs.gitlab.com/user/project/integrations/webhook_events/#merge-request-events):
//! `object_kind: "merge_request"`, the `project` (its `id` and
//! `path_with_namespace`), `object_attributes` with the MR's `iid`, the
//! `action` (`open`, `close`, `reopen`, `update`, `approved`, `unapproved`,
//! `approval`, `unapproval`, `merge`), `oldrev` on an update that adds
//! commits, `last_commit.id`, and `changes.labels.{previous,current}` when the
//! labels changed.

use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct Payload {
    pub object_kind: String,
    pub project: Project,
    pub object_attributes: Attributes,
    #[serde(default)]
    pub changes: Changes,
}

#[derive(Debug, Deserialize)]
pub struct Project {
    pub id: u64,
    #[serde(default)]
    pub path_with_namespace: String,
}

#[derive(Debug, Deserialize)]
pub struct Attributes {
    pub iid: u64,
    #[serde(default)]
    pub action: Option<String>,
    #[serde(default)]
    pub oldrev: Option<String>,
    #[serde(default)]
    pub last_commit: Option<Commit>,
}

#[derive(Debug, Deserialize)]
pub struct Commit {
    pub id: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct Changes {
    #[serde(default)]
    pub labels: Option<LabelChange>,
}

#[derive(Debug, Deserialize)]
pub struct LabelChange {
    #[serde(default)]
    pub current: Vec<Label>,
}

#[derive(Debug, Deserialize)]
pub struct Label {
    pub title: String,
}

/// What an event asks of the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wanted {
    /// Lint and post: opened, reopened, new commits (the head, when given).
    Review { head: Option<String> },
    /// Only the labels changed: re-check the label rule with these.
    Labels(Vec<String>),
    /// Closed or merged: drop queued work.
    Drop,
    /// Nothing to do (an approval, a title edit).
    Nothing,
}

impl Payload {
    pub fn action(&self) -> &str {
        self.object_attributes.action.as_deref().unwrap_or("")
    }

    pub fn wanted(&self) -> Wanted {
        let head = || {
            self.object_attributes
                .last_commit
                .as_ref()
                .map(|c| c.id.clone())
        };
        match self.action() {
            "open" | "reopen" => Wanted::Review { head: head() },
            "update" if self.object_attributes.oldrev.is_some() => Wanted::Review { head: head() },
            "update" => match &self.changes.labels {
                Some(change) => {
                    Wanted::Labels(change.current.iter().map(|l| l.title.clone()).collect())
                }
                None => Wanted::Nothing,
            },
            "close" | "merge" => Wanted::Drop,
            _ => Wanted::Nothing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(attrs: &str, changes: &str) -> Payload {
        let json = format!(
            r#"{{"object_kind": "merge_request", "event_type": "merge_request",
               "project": {{"id": 1, "path_with_namespace": "group/handbook", "web_url": "https://elsewhere.example/x"}},
               "object_attributes": {attrs}, "changes": {changes}}}"#
        );
        serde_json::from_str(&json).expect("parses")
    }

    #[test]
    fn actions_map_to_work() {
        let open = payload(
            r#"{"iid": 7, "action": "open", "last_commit": {"id": "abc"}}"#,
            "{}",
        );
        assert_eq!(
            open.wanted(),
            Wanted::Review {
                head: Some("abc".into())
            }
        );
        let push = payload(
            r#"{"iid": 7, "action": "update", "oldrev": "111", "last_commit": {"id": "222"}}"#,
            "{}",
        );
        assert_eq!(
            push.wanted(),
            Wanted::Review {
                head: Some("222".into())
            }
        );
        let labels = payload(
            r#"{"iid": 7, "action": "update"}"#,
            r#"{"labels": {"previous": [{"id": 1, "title": "documentation"}],
                "current": [{"id": 1, "title": "documentation"}, {"id": 2, "title": "SA-HANDBOOK"}]}}"#,
        );
        assert_eq!(
            labels.wanted(),
            Wanted::Labels(vec!["documentation".into(), "SA-HANDBOOK".into()])
        );
        let title = payload(
            r#"{"iid": 7, "action": "update"}"#,
            r#"{"title": {"previous": "a", "current": "b"}}"#,
        );
        assert_eq!(title.wanted(), Wanted::Nothing);
        assert_eq!(
            payload(r#"{"iid": 7, "action": "merge"}"#, "{}").wanted(),
            Wanted::Drop
        );
        assert_eq!(
            payload(r#"{"iid": 7, "action": "approved"}"#, "{}").wanted(),
            Wanted::Nothing
        );
    }
}
