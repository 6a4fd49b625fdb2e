from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from campaigns import services
from campaigns.models import Campaign, Invitation, InvitationToken

pytestmark = pytest.mark.django_db


def test_targeting_by_region_kind_and_all(clusters):
    names = lambda qs: sorted(c.name for c in qs)  # noqa: E731
    assert names(services.targeted_clusters({"regions": ["84", "53"]})) == [
        "Cluster Lyon",
        "Cluster Rennes",
    ]
    assert names(services.targeted_clusters({"kinds": ["pole"]})) == ["Pôle Lille"]
    assert len(services.targeted_clusters({"all": True})) == 4
    # No criterion at all targets nobody rather than everybody.
    assert not services.targeted_clusters({}).exists()


def test_targeting_by_filiere(clusters):
    from tests.factories import FiliereFactory

    filiere = FiliereFactory()
    clusters["occ"].filieres.add(filiere)
    found = services.targeted_clusters({"filieres": [filiere.slug]})
    assert [c.name for c in found] == ["Cluster Toulouse"]


def test_invite_emails_each_cluster_contact_a_personal_link(open_campaign, mailoutbox):
    report = services.invite(open_campaign)
    assert (report.invited, report.sent) == (3, 3)
    expected = sorted(f"{i.cluster.slug}@ex.org" for i in open_campaign.invitations.all())
    assert sorted(m.to[0] for m in mailoutbox) == expected
    links = [m.body.split("/repondre/")[1].split("/")[0] for m in mailoutbox]
    assert len(set(links)) == 3 and all(len(t) >= 43 for t in links)


def test_only_the_token_hash_is_stored(open_campaign, mailoutbox):
    services.invite(open_campaign)
    raw = mailoutbox[0].body.split("/repondre/")[1].split("/")[0]
    digests = list(InvitationToken.objects.values_list("digest", flat=True))
    assert raw not in digests and InvitationToken.hash(raw) in digests
    assert services.invitation_for_token(raw) is not None
    assert services.invitation_for_token(raw[:-1] + ("A" if raw[-1] != "A" else "B")) is None


def test_inviting_twice_sends_nothing_new(open_campaign, mailoutbox):
    services.invite(open_campaign)
    again = services.invite(open_campaign)
    assert (again.invited, again.sent) == (0, 0)
    assert len(mailoutbox) == 3


def test_cluster_without_email_is_reported_not_emailed(version, clusters, mailoutbox):
    now = timezone.now()
    campaign = Campaign.objects.create(
        title="Pôles",
        version=version,
        opens_at=now,
        closes_at=now + timedelta(days=3),
        targeting={"kinds": ["pole"]},
    )
    report = services.invite(campaign)
    assert report.without_email == ["Pôle Lille"] and not mailoutbox
    assert Invitation.objects.get(campaign=campaign).sent_at is None


def test_remind_reaches_only_those_who_have_not_answered(
    open_campaign, tokens, mailoutbox, valid_answers
):
    invitation = services.invitation_for_token(tokens["ara"])
    services.save_answers(invitation, valid_answers, submit=True)
    mailoutbox.clear()
    report = services.remind(open_campaign)
    assert report.sent == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        f"{_slug(open_campaign, name)}@ex.org" for name in ("Cluster Rennes", "Cluster Toulouse")
    )
    assert all(m.subject.startswith("Rappel") for m in mailoutbox)
    # The reminder carries a new link; the first one still works.
    new = mailoutbox[0].body.split("/repondre/")[1].split("/")[0]
    assert services.invitation_for_token(new).reminders == 1


def _slug(campaign, name):
    return campaign.invitations.get(cluster__name=name).cluster.slug


def test_remind_command_prints_a_summary(open_campaign, tokens, mailoutbox, capsys):
    mailoutbox.clear()
    call_command("campaigns", "remind", "--dry-run")
    assert "3 relance(s) à envoyer" in capsys.readouterr().out
    assert not mailoutbox
    call_command("campaigns", "remind")
    assert "3 relance(s) envoyée(s)" in capsys.readouterr().out
    assert len(mailoutbox) == 3


def test_no_reminder_for_a_closed_campaign(open_campaign, tokens, mailoutbox):
    services.close(open_campaign)
    mailoutbox.clear()
    assert services.remind(open_campaign).sent == 0 and not mailoutbox
