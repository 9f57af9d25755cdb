//! Where the emulator's state lives. With a data directory, the whole state is written to
//! `felix-emulator.json` in it after every change (to a temporary file, then renamed, so a
//! crash leaves the old or the new state, never half of one) and read back on start: a
//! restarted sandbox keeps its provider accounts, remittances and undelivered notifications.
//! Without one, state lives in memory only. The file is private (0600): it holds password
//! hashes and callback headers.

use super::state::State;
use std::io::Write;
use std::path::{Path, PathBuf};

const FILE_NAME: &str = "felix-emulator.json";

pub(crate) struct Store {
    path: Option<PathBuf>,
}

impl Store {
    pub fn new(dir: Option<&Path>) -> anyhow::Result<Store> {
        let Some(dir) = dir else {
            return Ok(Store { path: None });
        };
        std::fs::create_dir_all(dir)?;
        Ok(Store {
            path: Some(dir.join(FILE_NAME)),
        })
    }

    /// The saved state, or an empty one when nothing was saved yet.
    pub fn load(&self) -> anyhow::Result<State> {
        let Some(path) = self.path.as_ref().filter(|p| p.exists()) else {
            return Ok(State::default());
        };
        let text = std::fs::read_to_string(path)?;
        // From text, so that the exact amounts in pending notifications stay exact.
        let mut state: State = serde_json::from_str(&text)?;
        state.reindex();
        Ok(state)
    }

    pub fn save(&self, state: &State) -> anyhow::Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let text = serde_json::to_vec_pretty(state)?;
        let tmp = path.with_extension("json.tmp");
        let mut file = private_file(&tmp)?;
        file.write_all(&text)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)?;
        Ok(())
    }
}

fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(path)?;
    // A temporary file left by a crash keeps its old mode through open; tighten it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(file)
}
