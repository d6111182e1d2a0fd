//! What a change that returns data shows in its result window: execution
//! metrics and the outbox's messages as tables a supervisor reads down,
//! anything else as JSON.

use crate::engine::outbox::Listing;
use serde_json::Value;

/// `data` as the result window shows it.
pub(super) fn readable(data: &Value) -> String {
    webhook_table(data)
        .or_else(|| metrics_table(data))
        .unwrap_or_else(|| serde_json::to_string_pretty(data).unwrap_or_else(|_| data.to_string()))
}

/// The outbox's listing (`{"webhooks": …}`); `None` for any other shape.
fn webhook_table(data: &Value) -> Option<String> {
    let listing: Listing = serde_json::from_value(data.get("webhooks")?.clone()).ok()?;
    let mut text = listing.table();
    if listing.given_up > 0 {
        text.push_str("\n\n:resend sends those given up on again, once their receiver is mended.");
    }
    Some(text)
}

/// Metrics rows (date, version, status, count, error rate, average
/// latency) as aligned columns; `None` for any other shape.
fn metrics_table(data: &Value) -> Option<String> {
    let rows = data.as_array()?;
    let cells: Vec<[String; 6]> = rows.iter().map(metrics_row).collect::<Option<_>>()?;
    if cells.is_empty() {
        return Some("No executions in that range.".into());
    }
    let header = ["date", "version", "status", "runs", "errors", "avg latency"].map(String::from);
    let widths: Vec<usize> = (0..6)
        .map(|c| std::iter::once(&header).chain(&cells).map(|row| row[c].chars().count()).max().unwrap_or(0))
        .collect();
    let line = |row: &[String; 6]| {
        let parts: Vec<String> = row
            .iter()
            .enumerate()
            // Text left, numbers right.
            .map(|(c, cell)| {
                if c < 3 {
                    format!("{cell:<w$}", w = widths[c])
                } else {
                    format!("{cell:>w$}", w = widths[c])
                }
            })
            .collect();
        parts.join("  ").trim_end().to_string()
    };
    Some(std::iter::once(&header).chain(&cells).map(line).collect::<Vec<_>>().join("\n"))
}

fn metrics_row(row: &Value) -> Option<[String; 6]> {
    let text = |key: &str| row.get(key)?.as_str().map(str::to_string);
    let count = row.get("count")?.as_u64()?;
    let error_rate = row.get("errorRate")?.as_f64()?;
    let latency = row.get("avgLatencyMs")?.as_f64()?;
    Some([
        text("date")?,
        text("version")?,
        text("status")?,
        count.to_string(),
        format!("{:.1}%", error_rate * 100.0),
        format!("{latency:.0} ms"),
    ])
}

#[cfg(test)]
mod tests {
    use super::readable;
    use serde_json::json;

    #[test]
    fn metrics_read_as_a_table() {
        let rows = json!([
            {"actionId": "a-1", "date": "2026-11-21", "version": "1.2.0", "status": "success",
             "count": 1842, "errorRate": 0.0, "avgLatencyMs": 38.4},
            {"actionId": "a-1", "date": "2026-11-22", "version": "1.2.0", "status": "error",
             "count": 3, "errorRate": 1.0, "avgLatencyMs": 120.0},
        ]);
        assert_eq!(
            readable(&rows),
            "date        version  status   runs  errors  avg latency\n\
             2026-11-21  1.2.0    success  1842    0.0%        38 ms\n\
             2026-11-22  1.2.0    error       3  100.0%       120 ms"
        );
        assert_eq!(readable(&json!([])), "No executions in that range.");
    }

    #[test]
    fn anything_else_reads_as_json() {
        let output = json!({"output": {"routing_recommendation": "vip-dedicated-queue"}});
        assert_eq!(readable(&output), serde_json::to_string_pretty(&output).unwrap());
        let odd = json!([{"date": "2026-11-21"}]);
        assert!(readable(&odd).contains("\"date\""), "a row missing fields stays JSON");
    }
}
