//! Deliveries into a Maildir: written to tmp/, made durable, renamed into new/.
//!
//! One file per message and recipient, named the way Dovecot and Courier name them
//! (`secs.MusecPpidQn.host,S=size`), so any Maildir reader picks them up.

use mailroom_smtp::Delivery;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

static COUNTER: AtomicU64 = AtomicU64::new(0);

#[derive(Debug, Clone)]
pub struct Maildir {
    root: PathBuf,
    host: String,
}

impl Maildir {
    /// Creates tmp/, new/ and cur/ when missing.
    pub fn open(root: &Path, host: &str) -> io::Result<Maildir> {
        for sub in ["tmp", "new", "cur"] {
            fs::create_dir_all(root.join(sub))?;
        }
        // The unique part of a name must not hold '/' or ':' (the Maildir info separator).
        let host = host.replace(['/', ':'], "_");
        Ok(Maildir {
            root: root.to_path_buf(),
            host,
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Stores the message once for each recipient it was accepted for, in the order of
    /// `delivery.recipients`; `None` for a recipient that was not delivered.
    ///
    /// `all_or_nothing` (SMTP: one reply covers every recipient): when any file fails, the
    /// ones already in new/ are removed again, so a 452 leaves nothing behind that the
    /// client's retry would duplicate. LMTP answers per recipient, so each stands alone.
    pub fn store(
        &self,
        delivery: &Delivery,
        all_or_nothing: bool,
    ) -> Vec<Option<io::Result<PathBuf>>> {
        let mut staged: Vec<Option<io::Result<PathBuf>>> = delivery
            .recipients
            .iter()
            .map(|r| {
                r.delivered
                    .then(|| self.write_tmp(&with_delivered_to(&delivery.data, &r.address)))
            })
            .collect();
        let failed = staged.iter().any(|s| matches!(s, Some(Err(_))));
        if failed && all_or_nothing {
            return discard(staged);
        }
        for slot in staged.iter_mut() {
            if let Some(Ok(tmp)) = slot {
                *slot = Some(self.publish(tmp));
            }
        }
        let published = staged.iter().any(|s| matches!(s, Some(Ok(_))));
        if published {
            // The renames are durable once the directory entry is.
            if let Err(e) = File::open(self.root.join("new")).and_then(|d| d.sync_all()) {
                let kind = e.kind();
                for slot in staged.iter_mut() {
                    if let Some(Ok(p)) = slot {
                        let _ = fs::remove_file(&*p);
                        *slot = Some(Err(io::Error::new(kind, format!("syncing new/: {e}"))));
                    }
                }
            }
        }
        if all_or_nothing && staged.iter().any(|s| matches!(s, Some(Err(_)))) {
            return discard(staged);
        }
        staged
    }

    fn write_tmp(&self, data: &[u8]) -> io::Result<PathBuf> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let name = format!(
            "{}.M{}P{}Q{}.{},S={}",
            now.as_secs(),
            now.subsec_micros(),
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            self.host,
            data.len()
        );
        let path = self.root.join("tmp").join(name);
        let context =
            |e: io::Error| io::Error::new(e.kind(), format!("writing {}: {e}", path.display()));
        // create_new: never another writer's file; only a file made here is removed.
        let mut file = File::options()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(context)?;
        match file.write_all(data).and_then(|()| file.sync_all()) {
            Ok(()) => Ok(path),
            Err(e) => {
                let _ = fs::remove_file(&path);
                Err(context(e))
            }
        }
    }

    /// tmp/ to new/ with link + unlink: unlike rename, a link never replaces a file that
    /// is already there.
    fn publish(&self, tmp: &Path) -> io::Result<PathBuf> {
        let name = tmp.file_name().unwrap_or_default();
        let dest = self.root.join("new").join(name);
        let linked = fs::hard_link(tmp, &dest);
        let _ = fs::remove_file(tmp);
        linked.map_err(|e| {
            io::Error::new(e.kind(), format!("moving into {}: {e}", dest.display()))
        })?;
        Ok(dest)
    }
}

/// Removes every file written so far and turns every recipient into a failure.
fn discard(staged: Vec<Option<io::Result<PathBuf>>>) -> Vec<Option<io::Result<PathBuf>>> {
    staged
        .into_iter()
        .map(|slot| {
            slot.map(|r| match r {
                Ok(p) => {
                    let _ = fs::remove_file(&p);
                    Err(io::Error::other(
                        "not stored: another recipient's file failed",
                    ))
                }
                Err(e) => Err(e),
            })
        })
        .collect()
}

/// `Delivered-To:` (the recipient this copy is for) after the Return-Path line, as Postfix's
/// local delivery and Dovecot write it.
fn with_delivered_to(data: &[u8], address: &str) -> Vec<u8> {
    let field = format!("Delivered-To: {address}\r\n");
    let split = if data.starts_with(b"Return-Path:") {
        memchr_crlf(data).map_or(0, |i| i + 2)
    } else {
        0
    };
    let mut out = Vec::with_capacity(data.len() + field.len());
    out.extend_from_slice(&data[..split]);
    out.extend_from_slice(field.as_bytes());
    out.extend_from_slice(&data[split..]);
    out
}

fn memchr_crlf(data: &[u8]) -> Option<usize> {
    data.windows(2).position(|w| w == b"\r\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use mailroom_smtp::RecipientResult;

    fn delivery(recipients: &[(&str, bool)]) -> Delivery {
        Delivery {
            id: "X1".into(),
            reverse_path: "<a@b.example>".into(),
            recipients: recipients
                .iter()
                .map(|(a, d)| RecipientResult {
                    address: (*a).into(),
                    code: if *d { 250 } else { 452 },
                    delivered: *d,
                })
                .collect(),
            data: b"Return-Path: <a@b.example>\r\nReceived: x\r\n\r\nhi\r\n".to_vec(),
            with: "ESMTP",
            body: "7BIT",
            smtputf8: false,
        }
    }

    fn files(dir: &Path) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = fs::read_dir(dir)
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        v.sort();
        v
    }

    #[test]
    fn one_file_per_delivered_recipient_in_new_with_delivered_to() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let md = Maildir::open(tmp.path(), "mx.example").expect("open");
        let out = md.store(
            &delivery(&[
                ("x@d.example", true),
                ("q@d.example", false),
                ("y@d.example", true),
            ]),
            false,
        );
        assert!(out[1].is_none(), "a recipient refused at DATA gets no file");
        let new = files(&tmp.path().join("new"));
        assert_eq!(new.len(), 2);
        assert!(
            files(&tmp.path().join("tmp")).is_empty(),
            "tmp/ is left empty"
        );
        let first = fs::read(
            out[0]
                .as_ref()
                .and_then(|r| r.as_ref().ok())
                .expect("stored"),
        )
        .expect("read");
        assert_eq!(
            first,
            b"Return-Path: <a@b.example>\r\nDelivered-To: x@d.example\r\nReceived: x\r\n\r\nhi\r\n"
        );
        let name = new[0].file_name().and_then(|n| n.to_str()).expect("name");
        assert!(name.contains(".mx.example,S="), "{name}");
    }

    #[test]
    fn an_unwritable_maildir_stores_nothing() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let md = Maildir::open(tmp.path(), "mx").expect("open");
        // A file where tmp/ should be: writes fail even for root (permissions would not).
        fs::remove_dir(tmp.path().join("tmp")).expect("rmdir");
        fs::write(tmp.path().join("tmp"), b"").expect("file");
        let out = md.store(
            &delivery(&[("x@d.example", true), ("y@d.example", true)]),
            true,
        );
        assert!(out.iter().all(|r| matches!(r, Some(Err(_)))));
        assert!(files(&tmp.path().join("new")).is_empty());
    }
}
