from django.core.management.base import BaseCommand, CommandError

from accounts.anchors import check_anchors, latest_valid, load_anchors
from accounts.audit import verify_chain


class Command(BaseCommand):
    help = (
        "Check the access log's hash chain and its signed anchors (from the anchor table and the file at "
        "AUDIT_ANCHOR_PATH). Fails if a row was altered or does not link to the one before it, if an anchor's "
        "signature is not valid, or if a row an anchor signed is missing, changed, or has fewer rows before it "
        "than the anchor counted: rows rewritten (even with recomputed hashes) or cut off up to the latest "
        "anchor. It cannot see rows rewritten or cut after the latest anchor (the last anchoring interval), "
        "nor changes by someone holding AUDIT_ANCHOR_KEY and write access to both anchor stores."
    )

    def handle(self, *args, **options):
        anchor_set = load_anchors()
        report = verify_chain(checkpoints={anchor.last_event_id for anchor in anchor_set.anchors})
        if not report.intact:
            raise CommandError(
                f"Access log row {report.first_bad_id} {report.problem} "
                f"({report.rows_checked} rows before it are intact)."
            )
        problems = check_anchors(anchor_set, report)
        if problems:
            raise CommandError("Access log anchors do not match the log:\n" + "\n".join(problems))

        self.stdout.write(f"Access log intact: {report.rows_checked} rows checked.")
        latest = latest_valid(anchor_set)
        if latest is None:
            self.stdout.write("No anchors yet: rows at the end of the log could be rewritten or cut unseen.")
        else:
            uncovered = report.rows_checked - latest.event_count
            self.stdout.write(
                f"{len(anchor_set.anchors)} anchors checked ({anchor_set.in_table} in the database, "
                f"{anchor_set.in_file} in the file); the latest covers rows up to {latest.last_event_id}, "
                f"{uncovered} rows after it are not anchored yet."
            )
        if not anchor_set.file_found and anchor_set.in_table:
            self.stdout.write("No anchor file at AUDIT_ANCHOR_PATH: only the database's anchors were checked.")
        elif anchor_set.only_in_table or anchor_set.only_in_file:
            self.stdout.write(
                f"The stores differ: {anchor_set.only_in_table} anchors only in the database, "
                f"{anchor_set.only_in_file} only in the file."
            )
