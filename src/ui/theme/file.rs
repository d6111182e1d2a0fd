//! Reading theme.toml: each role it names overrides the fields it gives;
//! every mistake becomes a [`Problem`] and leaves the earlier value in place.

use super::{Look, Role};
use crate::ui::looks::Problem;
use ratatui::style::{Color, Modifier};
use std::str::FromStr;
use toml::{Table, Value};

pub(super) fn apply(
    source: &str,
    text: &str,
    looks: &mut [Look; Role::COUNT],
    background: &mut Option<Color>,
    problems: &mut Vec<Problem>,
) {
    let mut report = |place: String, message: String| problems.push(Problem::new(source, place, message));
    let table = match text.parse::<Table>() {
        Ok(table) => table,
        Err(e) => return report(String::new(), format!("is not valid TOML, so none of it is used: {e}")),
    };
    for (key, value) in &table {
        match (key.as_str(), value) {
            ("background", Value::String(name)) => match parse_color(name) {
                Ok(color) => *background = Some(color),
                Err(message) => report("background".into(), message),
            },
            ("roles", Value::Table(roles)) => {
                for (name, entry) in roles {
                    let place = format!("roles.{name}");
                    match Role::from_name(name) {
                        Some(role) => apply_role(entry, &mut looks[role.index()], &place, &mut report),
                        None => report(place, format!("is not a role; the roles are {}", role_names())),
                    }
                }
            }
            ("background" | "roles", _) => report(key.clone(), "has the wrong type".into()),
            _ => report(key.clone(), "is not a setting; use `background` or a [roles] table".into()),
        }
    }
}

fn apply_role(entry: &Value, look: &mut Look, place: &str, report: &mut impl FnMut(String, String)) {
    let Value::Table(fields) = entry else {
        return report(place.into(), "must be a table such as { fg = \"green\" }".into());
    };
    for (field, value) in fields {
        let at = format!("{place}.{field}");
        let result = match field.as_str() {
            "fg" => color_field(value).map(|c| look.fg = Some(c)),
            "bg" => color_field(value).map(|c| look.bg = Some(c)),
            "modifiers" => modifiers(value).map(|m| look.modifiers = m),
            "mono" => modifiers(value).map(|m| look.mono = m),
            _ => Err("is not a field of a role; use fg, bg, modifiers or mono".into()),
        };
        if let Err(message) = result {
            report(at, message);
        }
    }
}

fn color_field(value: &Value) -> Result<Color, String> {
    match value {
        Value::String(name) => parse_color(name),
        _ => Err("must be a colour in quotes, such as \"green\" or \"#00ff00\"".into()),
    }
}

fn parse_color(name: &str) -> Result<Color, String> {
    Color::from_str(name.trim()).map_err(|_| {
        format!("{name:?} is not a colour; use a name such as \"green\", #rrggbb, or an index 0-255")
    })
}

fn modifiers(value: &Value) -> Result<Modifier, String> {
    let Value::Array(items) = value else {
        return Err("must be a list such as [\"bold\"]".into());
    };
    items.iter().try_fold(Modifier::empty(), |all, item| {
        let name = item.as_str().unwrap_or_default();
        let one = match name {
            "bold" => Modifier::BOLD,
            "dim" => Modifier::DIM,
            "italic" => Modifier::ITALIC,
            "underlined" => Modifier::UNDERLINED,
            "reversed" => Modifier::REVERSED,
            "crossed_out" => Modifier::CROSSED_OUT,
            _ => {
                return Err(format!(
                    "{item} is not a modifier; use bold, dim, italic, underlined, reversed or crossed_out"
                ));
            }
        };
        Ok(all | one)
    })
}

fn role_names() -> String {
    Role::ALL.map(Role::name).join(", ")
}

#[cfg(test)]
mod tests {
    use super::super::{Colors, Theme};
    use super::*;

    #[test]
    fn a_partial_override_keeps_the_other_fields_and_roles() {
        let (theme, problems) =
            Theme::with_overrides("theme.toml", "[roles]\nerror = { fg = \"magenta\" }", Colors::On);
        assert!(problems.is_empty(), "{problems:?}");
        let error = theme.style(Role::Error);
        assert_eq!(error.fg, Some(Color::Magenta));
        assert!(error.add_modifier.contains(Modifier::BOLD), "the default's bold stays");
        assert_eq!(theme.style(Role::Ok).fg, Some(Color::Green));
    }

    #[test]
    fn mistakes_are_named_and_the_defaults_stay() {
        let text = "background = \"nope\"\nfoo = 1\n[roles]\nerr = {}\nok = { fg = 3, weight = 1 }\n\
                    warn = { modifiers = [\"blink\"] }";
        let (theme, problems) = Theme::with_overrides("theme.toml", text, Colors::On);
        let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
        for expected in
            ["background", "foo", "roles.err", "roles.ok.fg", "roles.ok.weight", "roles.warn.modifiers"]
        {
            assert!(shown.iter().any(|p| p.contains(expected)), "{expected} missing from {shown:#?}");
        }
        assert_eq!(theme.style(Role::Ok).fg, Some(Color::Green));
        assert_eq!(theme.base(), ratatui::style::Style::new());
    }

    #[test]
    fn broken_toml_is_one_problem() {
        let (_, problems) = Theme::with_overrides("theme.toml", "[roles\n", Colors::On);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].to_string().contains("not valid TOML"), "{}", problems[0]);
    }
}
