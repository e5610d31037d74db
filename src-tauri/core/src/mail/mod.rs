//! E-mail to customer users: templates, the outbox and SMTP delivery.

pub mod outbox;
pub mod smtp;
pub mod template;
