//! E-mail templates, named and worded as Oro's (`CB/Migrations/Data/ORM/data/emails/
//! customer-user/`), rendered with minijinja. Seeded on first run; admins edit them in the
//! Templates screen and can restore the default wording.

use minijinja::Environment;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;

use crate::actor::Actor;
use crate::customer_user::CustomerUser;
use crate::store::clocks_with;
use crate::{CoreError, Database, ErrorCode, Result};

/// Stands for a link's token in rendered bodies until delivery mints the token.
pub const TOKEN_PLACEHOLDER: &str = "@@link-token@@";

/// The single-use link a message carries, and so the token delivery mints for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "EmailLink")]
pub enum Link {
    /// Confirms the e-mail address (Oro: no expiry).
    Confirmation,
    /// Lets a user registered by an admin choose a password; expires as reset links do.
    SetPassword,
    /// Resets the password; expires after the reset-link lifetime.
    Reset,
}

impl Link {
    pub fn as_str(self) -> &'static str {
        match self {
            Link::Confirmation => "confirmation",
            Link::SetPassword => "set_password",
            Link::Reset => "reset",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Link::Confirmation, Link::SetPassword, Link::Reset]
            .into_iter()
            .find(|l| l.as_str() == s)
    }
}

pub struct Default {
    pub name: &'static str,
    pub subject: &'static str,
    pub content: &'static str,
    pub link: Option<Link>,
}

pub const WELCOME: &str = "customer_user_welcome_email";
pub const WELCOME_REGISTERED_BY_ADMIN: &str = "customer_user_welcome_email_registered_by_admin";
pub const CONFIRMATION: &str = "customer_user_confirmation_email";
pub const RESET_PASSWORD: &str = "customer_user_reset_password";
pub const FORCE_RESET_PASSWORD: &str = "customer_user_force_reset_password";

pub const DEFAULTS: &[Default] = &[
    Default {
        name: WELCOME,
        subject: "Welcome: {{ entity.fullName }}",
        content: "Welcome to {{ entity.organization }}, {{ entity.fullName }}!

Your account is ready. Sign in with your email address {{ entity.email }}:
{{ signInUrl }}

Forgot your password? Request a new one here:
{{ forgotPasswordUrl }}
",
        link: None,
    },
    Default {
        name: WELCOME_REGISTERED_BY_ADMIN,
        subject: "Welcome: {{ entity.fullName }}",
        content: "Welcome to {{ entity.organization }}, {{ entity.fullName }}!

An account has been created for you with the email address {{ entity.email }}.
Choose your password here to sign in:
{{ setPasswordUrl }}

Then sign in at {{ signInUrl }}
If the link has expired, request a new one: {{ forgotPasswordUrl }}
",
        link: Some(Link::SetPassword),
    },
    Default {
        name: CONFIRMATION,
        subject: "Confirmation of account registration",
        content: "Hello, {{ entity.fullName }}!

Please confirm the registration of your account {{ entity.email }} by opening this link:
{{ confirmUrl }}
",
        link: Some(Link::Confirmation),
    },
    Default {
        name: RESET_PASSWORD,
        subject: "Reset Account User Password",
        content: "Hello, {{ entity.fullName }}!

To reset the password of your account {{ entity.email }}, open this link:
{{ resetUrl }}

If you did not ask to reset your password, ignore this message.
",
        link: Some(Link::Reset),
    },
    Default {
        name: FORCE_RESET_PASSWORD,
        subject: "Please reset your password",
        content: "Hello, {{ entity.fullName }}!

The administrator has requested a password reset for your user profile. You cannot sign in
until you set a new password. Reset Password:
{{ resetUrl }}
",
        link: Some(Link::Reset),
    },
];

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct EmailTemplate {
    pub name: String,
    pub subject: String,
    pub content: String,
    pub link: Option<Link>,
    /// Differs from the seeded wording.
    pub customized: bool,
    pub updated_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "RenderedEmail")]
pub struct Rendered {
    pub subject: String,
    /// With [`TOKEN_PLACEHOLDER`] where the link's token goes.
    pub body: String,
    pub link: Option<Link>,
}

fn default_of(name: &str) -> Result<&'static Default> {
    DEFAULTS
        .iter()
        .find(|d| d.name == name)
        .ok_or_else(|| CoreError::not_found("Email template", name))
}

/// Adds the seeded templates a store does not have yet.
pub(crate) fn seed(conn: &Connection) -> Result<()> {
    for d in DEFAULTS {
        conn.execute(
            "INSERT INTO email_template (name, subject, content) VALUES (?1, ?2, ?3)
             ON CONFLICT (name) DO NOTHING",
            params![d.name, d.subject, d.content],
        )?;
    }
    Ok(())
}

/// Whether a default template is not stored yet (a new store, or a template added since).
pub(crate) fn defaults_missing(conn: &Connection) -> Result<bool> {
    let stored: i64 = conn.query_row(
        &format!(
            "SELECT count(*) FROM email_template WHERE name IN ({})",
            DEFAULTS
                .iter()
                .map(|d| format!("'{}'", d.name))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        [],
        |r| r.get(0),
    )?;
    Ok(usize::try_from(stored).unwrap_or(0) < DEFAULTS.len())
}

pub fn list(db: &Database) -> Result<Vec<EmailTemplate>> {
    db.read(|conn| DEFAULTS.iter().map(|d| get_in(conn, d.name)).collect())
}

pub fn get(db: &Database, name: &str) -> Result<EmailTemplate> {
    db.read(|conn| get_in(conn, name))
}

fn get_in(conn: &Connection, name: &str) -> Result<EmailTemplate> {
    let d = default_of(name)?;
    let (subject, content, updated_at): (String, String, Option<String>) = conn
        .query_row(
            "SELECT subject, content, updated_at FROM email_template WHERE name = ?1",
            [name],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?
        .unwrap_or_else(|| (d.subject.into(), d.content.into(), None));
    Ok(EmailTemplate {
        name: name.into(),
        customized: subject != d.subject || content != d.content,
        subject,
        content,
        link: d.link,
        updated_at,
    })
}

/// Saves new wording after checking that both parts render, quickly and not too large.
pub fn update(
    db: &Database,
    actor: &Actor,
    name: &str,
    subject: &str,
    content: &str,
) -> Result<EmailTemplate> {
    default_of(name)?;
    let mut errors = crate::error::Violations::default();
    if subject.trim().is_empty() {
        errors.add("subject", crate::rules::NOT_BLANK);
    }
    if let Some(problem) = save_problem(subject, false) {
        errors.add("subject", problem);
    }
    if let Some(problem) = save_problem(content, true) {
        errors.add("content", problem);
    }
    errors.into_result()?;
    db.write(actor, |tx| {
        use crate::back_office::capability::{require, Capability};
        require(tx, Capability::ManageSettings)?;
        let (old_subject, old_content, clocks): (String, String, String) = tx
            .query_row(
                "SELECT subject, content, field_hlc FROM email_template WHERE name = ?1",
                [name],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?
            .unwrap_or_default();
        let mut fields = serde_json::Map::new();
        for (field, old, new) in [
            ("subject", old_subject, subject.trim()),
            ("content", old_content, content),
        ] {
            if old != new {
                fields.insert(field.into(), serde_json::json!([old, new]));
            }
        }
        if fields.is_empty() {
            return Ok(());
        }
        let now = tx.now();
        let hlc = tx.tick();
        tx.execute(
            "INSERT INTO email_template (name, subject, content, updated_at, field_hlc)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (name) DO UPDATE SET subject = excluded.subject, content = excluded.content,
                updated_at = excluded.updated_at, field_hlc = excluded.field_hlc",
            params![name, subject.trim(), content, now, clocks_with(&clocks, &fields, &hlc)],
        )?;
        tx.record("email_template", name, "update", &fields, &hlc)
    })?;
    get(db, name)
}

/// Puts back the seeded wording.
pub fn restore_default(db: &Database, actor: &Actor, name: &str) -> Result<EmailTemplate> {
    let d = default_of(name)?;
    update(db, actor, name, d.subject, d.content)
}

/// What `subject` and `content` (unsaved edits) give for a sample user: the live preview.
pub fn preview(subject: &str, content: &str) -> Result<Rendered> {
    let ctx = sample_context();
    let mut errors = crate::error::Violations::default();
    let subject = render_text(subject, &ctx).unwrap_or_else(|e| {
        errors.add("subject", e);
        String::new()
    });
    let body = render_text(content, &ctx).unwrap_or_else(|e| {
        errors.add("content", e);
        String::new()
    });
    errors.into_result()?;
    Ok(Rendered {
        subject: subject.replace(TOKEN_PLACEHOLDER, "TOKEN"),
        body: body.replace(TOKEN_PLACEHOLDER, "TOKEN"),
        link: None,
    })
}

/// Whether the template `name` can be sent to `user`, and the link it carries.
///
/// Its links start at the user's website's URL, or the default website's for a user
/// without one (Oro's rule). A message whose links would have no host is refused: no mail
/// client can open `/customer/user/reset?token=…`.
pub fn check_sendable(conn: &Connection, name: &str, user: &CustomerUser) -> Result<Option<Link>> {
    website_url(conn, name, user)?;
    Ok(default_of(name)?.link)
}

/// The URL links to `user`'s storefront start with, or why there is none.
fn website_url(conn: &Connection, name: &str, user: &CustomerUser) -> Result<String> {
    let website_url: Option<String> = conn
        .query_row(
            "SELECT url FROM website
             WHERE id = coalesce(?1, (SELECT id FROM website WHERE is_default = 1))",
            [user.website.as_ref().map(|w| w.id.as_str())],
            |r| r.get(0),
        )
        .optional()?;
    let website_url = website_url.unwrap_or_default();
    if !has_host(&website_url) {
        return Err(CoreError::new(
            ErrorCode::Validation,
            format!(
                "The email \"{name}\" to {} cannot be sent: its links need the URL of the customer user's website or of the default website, and {}. Set the website's URL (https://…) first.",
                user.email,
                match &user.website {
                    Some(w) => format!("the website \"{}\" has the URL \"{website_url}\"", w.name),
                    None if website_url.is_empty() => "the customer user has no website and there is no default website".to_string(),
                    None => format!("the default website has the URL \"{website_url}\""),
                }
            ),
        ));
    }
    Ok(website_url)
}

/// Renders the stored template `name` for `user`, its links starting at their website's URL.
pub fn render(conn: &Connection, name: &str, user: &CustomerUser) -> Result<Rendered> {
    let template = get_in(conn, name)?;
    let website_url = website_url(conn, name, user)?;
    let ctx = context(user, &website_url);
    let fail = |e: String| {
        CoreError::new(
            ErrorCode::Validation,
            format!("The email template \"{name}\" cannot be rendered: {e}"),
        )
    };
    Ok(Rendered {
        subject: render_text(&template.subject, &ctx).map_err(fail)?,
        body: render_text(&template.content, &ctx).map_err(fail)?,
        link: template.link,
    })
}

/// An absolute http(s) URL with a host, which a link can start with.
fn has_host(url: &str) -> bool {
    url::Url::parse(url).is_ok_and(|u| {
        matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty())
    })
}

/// The longest template source: Oro's own are a few KiB.
pub const MAX_SOURCE_CHARS: usize = 65_536;
/// The longest rendered subject or body.
pub const MAX_OUTPUT_BYTES: usize = 1 << 20;
/// The engine's budget of instructions per render: a template that loops over everything it
/// can reach still renders in a few milliseconds.
const FUEL: u64 = 100_000;
const RECURSION_LIMIT: usize = 32;
/// A template that takes longer than this to render for the sample user is refused when saved.
pub const MAX_RENDER_TIME: std::time::Duration = std::time::Duration::from_millis(250);

/// Why `source` cannot be saved as a template part: too long, or it renders too slowly, too
/// large or not at all for the sample user. `multiline`: a body, where line breaks belong.
fn save_problem(source: &str, multiline: bool) -> Option<String> {
    if source.chars().count() > MAX_SOURCE_CHARS {
        return Some(crate::rules::too_long(MAX_SOURCE_CHARS));
    }
    let text_problem = if multiline {
        crate::rules::multiline_text_problem(source)
    } else {
        crate::rules::text_problem(source)
    };
    if let Some(problem) = text_problem {
        return Some(problem.to_string());
    }
    let started = std::time::Instant::now();
    if let Err(e) = render_text(source, &sample_context()) {
        return Some(e);
    }
    let took = started.elapsed();
    (took > MAX_RENDER_TIME).then(|| {
        format!(
            "The template takes too long to render ({} ms; it should take at most {} ms).",
            took.as_millis(),
            MAX_RENDER_TIME.as_millis()
        )
    })
}

fn render_text(source: &str, ctx: &Value) -> std::result::Result<String, String> {
    let mut env = Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.set_fuel(Some(FUEL));
    env.set_recursion_limit(RECURSION_LIMIT);
    let mut out = Capped(Vec::new());
    let rendered = env
        .template_from_str(source)
        .and_then(|t| t.render_captured_to(ctx, &mut out).map(drop));
    match rendered {
        Ok(_) => String::from_utf8(out.0).map_err(|e| e.to_string()),
        Err(_) if out.0.len() >= MAX_OUTPUT_BYTES => Err(format!(
            "The message would be longer than {} KiB.",
            MAX_OUTPUT_BYTES / 1024
        )),
        Err(e) => Err(engine_error(&e)),
    }
}

fn engine_error(e: &minijinja::Error) -> String {
    let mut message = e.kind().to_string();
    if let Some(detail) = e.detail() {
        message = format!("{message}: {detail}");
    }
    match e.line() {
        Some(line) => format!("{message} (line {line})"),
        None => message,
    }
}

/// Rendered output that stops the render once it reaches [`MAX_OUTPUT_BYTES`].
struct Capped(Vec<u8>);

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0.len() + buf.len() > MAX_OUTPUT_BYTES {
            self.0.resize(MAX_OUTPUT_BYTES, 0);
            return Err(std::io::Error::other("the message is too long"));
        }
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What templates can use: `entity` (the customer user) and the storefront links.
fn context(user: &CustomerUser, website_url: &str) -> Value {
    let base = website_url.trim_end_matches('/');
    let with_token = |path: &str| format!("{base}{path}?token={TOKEN_PLACEHOLDER}");
    json!({
        "entity": {
            "fullName": user.full_name(),
            "firstName": user.first_name,
            "lastName": user.last_name,
            "email": user.email,
            "organization": user.organization.name,
            "customer": user.customer.name,
            "website": user.website.as_ref().map(|w| w.name.clone()),
        },
        "signInUrl": format!("{base}/customer/user/login"),
        "forgotPasswordUrl": format!("{base}/customer/user/reset-request"),
        "confirmUrl": with_token("/customer/user/confirm-email"),
        "setPasswordUrl": with_token("/customer/user/reset"),
        "resetUrl": with_token("/customer/user/reset"),
    })
}

fn sample_context() -> Value {
    let base = "https://store.example.com";
    let with_token = |path: &str| format!("{base}{path}?token={TOKEN_PLACEHOLDER}");
    json!({
        "entity": {
            "fullName": "Amanda Cole",
            "firstName": "Amanda",
            "lastName": "Cole",
            "email": "amanda.cole@example.com",
            "organization": "Main Organization",
            "customer": "Acme Corporation",
            "website": "Default",
        },
        "signInUrl": format!("{base}/customer/user/login"),
        "forgotPasswordUrl": format!("{base}/customer/user/reset-request"),
        "confirmUrl": with_token("/customer/user/confirm-email"),
        "setPasswordUrl": with_token("/customer/user/reset"),
        "resetUrl": with_token("/customer/user/reset"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actor::admin;

    fn db() -> (tempfile::TempDir, Database) {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join("t.sqlite3")).unwrap();
        (dir, db)
    }

    #[test]
    fn seeded_templates_are_oros_and_edits_are_checked_kept_and_restorable() {
        let (_dir, db) = db();
        let names: Vec<String> = list(&db).unwrap().into_iter().map(|t| t.name).collect();
        assert!(names.contains(&FORCE_RESET_PASSWORD.to_string()));
        let t = get(&db, FORCE_RESET_PASSWORD).unwrap();
        assert_eq!(t.subject, "Please reset your password");
        assert_eq!(t.link, Some(Link::Reset));
        assert!(!t.customized);

        let err = update(
            &db,
            &admin(),
            FORCE_RESET_PASSWORD,
            "Hi {{ entity.nope }}",
            "{% if %}",
        )
        .unwrap_err();
        let fields: Vec<&str> = err.fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["subject", "content"]);
        assert!(
            err.fields[0].message.contains("undefined"),
            "{}",
            err.fields[0].message
        );

        let t = update(
            &db,
            &admin(),
            FORCE_RESET_PASSWORD,
            "Reset, {{ entity.firstName }}",
            "{{ resetUrl }}",
        )
        .unwrap();
        assert!(t.customized);
        let p = preview(&t.subject, &t.content).unwrap();
        assert_eq!(p.subject, "Reset, Amanda");
        assert_eq!(
            p.body,
            "https://store.example.com/customer/user/reset?token=TOKEN"
        );
        assert!(
            !restore_default(&db, &admin(), FORCE_RESET_PASSWORD)
                .unwrap()
                .customized
        );
        assert_eq!(get(&db, "nope").unwrap_err().code, ErrorCode::NotFound);
    }
}
