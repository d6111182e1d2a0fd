//! Users and agent status over real TCP against the sandbox.

mod api_support;

use api_support::{client, quiet, users};
use cxone_console::api::model::{ListQuery, UserFilter, UserStatus};
use cxone_console::domain::agent_status::{AgentStatus, AgentStatusChange, AgentStatusDraft};

#[tokio::test]
async fn an_agent_goes_on_break_with_a_tenant_pause_reason() {
    let sandbox = quiet().await;
    let c = client(&sandbox);
    let reasons = c.pause_reasons().await.unwrap().value;
    let reason = reasons.iter().next().expect("the tenant lists pause reasons").to_string();
    let page = c.users(&users()).await.unwrap().value;
    let agent = page
        .items
        .iter()
        .find(|u| {
            u.role_names().any(|r| r == "Agent")
                && u.wrap_up_until.is_none()
                && u.status != UserStatus::Known(AgentStatus::Break)
        })
        .expect("the seeded tenant has an agent free to take a break");
    assert!(!agent.display_name().is_empty());

    let read = c.user(&agent.id).await.unwrap().value;
    let etag = read.etag.clone().expect("one user comes with an ETag");
    let draft = AgentStatusDraft {
        user_id: agent.id.to_string(),
        status: "Break".into(),
        pause_reason: reason.clone(),
        ..Default::default()
    };
    let change = AgentStatusChange::validate(&draft, &reasons).unwrap();
    let changed = c.set_agent_status(&change, Some(&etag), None).await.unwrap().value;
    assert_eq!(changed.status, UserStatus::Known(AgentStatus::Break));
    assert_eq!(changed.pause_reason.as_deref(), Some(reason.as_str()));
    assert_eq!(changed.previous_status.as_ref(), Some(&read.status));

    let after = c.user(&agent.id).await.unwrap().value;
    assert_eq!(after.status, UserStatus::Known(AgentStatus::Break));
    assert!(!after.etag.expect("an ETag").matches(&etag));

    let stale = c.set_agent_status(&change, Some(&etag), None).await.unwrap_err();
    assert!(stale.kind.is_conflict(), "{stale}");
}

#[tokio::test]
async fn the_team_filter_lists_only_that_team() {
    let sandbox = quiet().await;
    let c = client(&sandbox);
    let everyone = c.users(&users()).await.unwrap().value;
    let team = everyone.items.iter().find_map(|u| u.team_id.clone()).expect("users belong to teams");
    let query = ListQuery::new().top(200).filter(UserFilter { team: Some(team.clone()) });
    let members = c.users(&query).await.unwrap().value;
    assert!(!members.items.is_empty());
    assert!(members.total_count < everyone.total_count);
    assert!(members.items.iter().all(|u| u.team_id.as_deref() == Some(team.as_str())));
}
