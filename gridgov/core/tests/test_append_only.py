"""The audit tables are append-only, in the ORM and in the database itself; audit.record
runs only inside a transaction and never stores personal data in clear."""

import pytest
from django.db import DatabaseError, connection, transaction

from gridgov.core import audit
from gridgov.core.models import AccessLog, AppendOnlyError, AuditEntry
from gridgov.testing import make_user


@pytest.fixture
def entry(db):
    with transaction.atomic():
        return audit.record(
            None,
            "area.update",
            object_type="places.area",
            object_id="1",
            before={"name": "旧"},
            after={"name": "新"},
        )


@pytest.fixture
def access_row(db):
    user = make_user("reader")
    return AccessLog.objects.create(
        actor=user,
        actor_name="reader",
        object_type="people.resident",
        object_id="1",
        fields="身份证号",
        reason="核实",
    )


@pytest.mark.django_db(transaction=False)
def test_a_queryset_update_is_refused(entry):
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")


@pytest.mark.django_db(transaction=False)
def test_a_queryset_delete_is_refused(entry):
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()


@pytest.mark.django_db(transaction=False)
def test_saving_an_existing_entry_is_refused(entry):
    entry.action = "x"
    with pytest.raises(AppendOnlyError):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).action == "area.update"


@pytest.mark.django_db(transaction=False)
def test_deleting_an_entry_is_refused(entry):
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db(transaction=False)
def test_the_access_log_refuses_the_same(access_row):
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.filter(pk=access_row.pk).update(reason="x")
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.all().delete()
    access_row.reason = "x"
    with pytest.raises(AppendOnlyError):
        access_row.save()
    with pytest.raises(AppendOnlyError):
        access_row.delete()


@pytest.mark.django_db(transaction=False)
def test_raw_sql_update_is_refused_by_the_database(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET action = 'x'")
    assert AuditEntry.objects.get(pk=entry.pk).action == "area.update"


@pytest.mark.django_db(transaction=False)
def test_raw_sql_delete_is_refused_by_the_database(access_row):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_accesslog")
    assert AccessLog.objects.filter(pk=access_row.pk).exists()


@pytest.mark.django_db(transaction=False)
def test_raw_sql_delete_of_audit_entries_is_refused_too(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_record_refuses_to_run_outside_a_transaction():
    # No database mark: no test transaction is open, as in a view that forgot atomic().
    assert not connection.in_atomic_block
    with pytest.raises(RuntimeError):
        audit.record(None, "area.update", object_type="places.area", object_id="1")


@pytest.mark.django_db(transaction=False)
def test_record_masks_personal_data_in_before_and_after():
    with transaction.atomic():
        row = audit.record(
            None,
            "resident.update",
            object_type="people.resident",
            object_id="1",
            before={"id_number": "440105199001011234", "phone": "13812345678", "name": "张三"},
            after={
                "id_number": "440105199202022345",
                "phone": "13987654321",
                "password": "Secret-1",
            },
        )
    stored = AuditEntry.objects.get(pk=row.pk)
    assert stored.before == {
        "id_number": "440105********1234",
        "phone": "138****5678",
        "name": "张三",
    }
    assert stored.after == {
        "id_number": "440105********2345",
        "phone": "139****4321",
        "password": "******",
    }
    assert stored.actor is None and stored.actor_name == "系统"
