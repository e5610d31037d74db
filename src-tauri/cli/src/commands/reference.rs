//! Reference data, generated data sets and demo data.

use crate::*;

pub(crate) fn run(session: &mut Session<'_>, command: &Command) -> Result<(), CoreError> {
    let Session { db, actor, out, .. } = session;
    match command {
        Command::Generate { users } => {
            let report = generate::generate(db, actor, *users, |done| {
                eprintln!("generated {done} of {users}")
            })?;
            out.print(&report)
        }
        Command::Demo => {
            let seeded = cu_core::demo::seed_demo_if_empty(db)?;
            out.done(if seeded {
                "Demo data seeded"
            } else {
                "The database already has customer users"
            })
        }
        Command::Customers { q, limit } => {
            let list = db.read(|c| reference::list_customers(c, q.as_deref(), Some(*limit)))?;
            if out.json {
                return out.print(&list);
            }
            print_table(
                &["ID", "Customer", "Path"],
                list.iter()
                    .map(|c| vec![c.id.clone(), c.name.clone(), c.path.clone()]),
            )?;
            Ok(())
        }
        Command::Websites => {
            let list = db.read(|c| reference::list_websites(c))?;
            if out.json {
                return out.print(&list);
            }
            print_table(
                &["ID", "Website", "URL", "Localizations"],
                list.iter().map(|w| {
                    let locs = w
                        .localizations
                        .iter()
                        .map(|l| l.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ");
                    vec![w.id.clone(), w.name.clone(), w.url.clone(), locs]
                }),
            )?;
            Ok(())
        }
        _ => Err(CoreError::internal("not a command of this group")),
    }
}
