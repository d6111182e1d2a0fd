//! How a row of fields (an attribute's key, value and mode) shares its
//! line: a choice gets what its longest option needs first, since cut it
//! says nothing (`◂  ▸`, `◂ UPDA… ▸`), and the text fields share the rest,
//! scrolling as they are typed in.

use crate::ui::forms::{Field, Input};
use crate::ui::widgets::fit::width;

/// The fewest columns a text field's value keeps beside a choice.
const LEAST_TEXT: usize = 4;

/// A field's tag in a row, before its value: `key `, `mode `.
pub(super) fn tag(field: &Field) -> String {
    format!("{} ", field.label.to_lowercase())
}

/// The columns each field of a row takes of `left`, its tag and the space
/// after it included. A focused choice's position (` 2/3`) is counted in
/// only where the text fields keep their least beside it.
pub(super) fn budgets(fields: &[(&Field, bool)], left: usize) -> Vec<usize> {
    let texts = fields.iter().filter(|(f, _)| !matches!(f.input, Input::Choice(_))).count();
    let least_texts: usize = fields
        .iter()
        .filter(|(f, _)| !matches!(f.input, Input::Choice(_)))
        .map(|(f, _)| width(&tag(f)) + 1 + LEAST_TEXT)
        .sum();
    let wants = |counted: bool| -> Vec<Option<usize>> {
        fields
            .iter()
            .map(|(f, focused)| choice_width(f, counted && *focused).map(|w| width(&tag(f)) + 1 + w))
            .collect()
    };
    let sum = |wants: &[Option<usize>]| wants.iter().flatten().sum::<usize>();
    let mut choices = wants(true);
    if sum(&choices) + least_texts > left {
        choices = wants(false);
    }
    let given = sum(&choices).min(left);
    let rest = left - given;
    let each = rest.checked_div(texts).unwrap_or(0);
    let mut seen = 0;
    choices
        .into_iter()
        .map(|want| match want {
            Some(want) => want,
            None => {
                seen += 1;
                // The last text field (a value, likelier long) gets what
                // the even split leaves over.
                if seen == texts { rest - each * (texts - 1) } else { each }
            }
        })
        .collect()
}

/// The columns a choice needs to show its longest option whole, with its
/// position when `counted`; `None` for a field that is not a choice.
fn choice_width(field: &Field, counted: bool) -> Option<usize> {
    let Input::Choice(choice) = &field.input else { return None };
    let longest = choice.options().iter().map(|o| width(&o.label)).max().unwrap_or(0);
    let position = if counted && choice.options().len() > 1 { width(&position(choice)) } else { 0 };
    Some(longest + 4 + position)
}

/// Where a choice's option is among them, as shown after it: ` 2/3`.
pub(super) fn position(choice: &crate::ui::forms::Choice) -> String {
    format!(" {}/{}", choice.position() + 1, choice.options().len())
}
