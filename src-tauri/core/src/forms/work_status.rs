//! Placeholder: being written (see issue 3).

use crate::domain::Interview;
use crate::error::{Error, Result};

use super::fonts::FontSet;
use super::input::FormInput;

pub fn fields(_input: &FormInput, _r: &Interview) -> Vec<(String, String)> {
    Vec::new()
}

pub fn render(_input: &FormInput, _r: &Interview, _fonts: FontSet) -> Result<Vec<u8>> {
    Err(Error::Pdf("この様式はまだ作成できません".into()))
}
