"""No recipient receives a programme's benefit more often than its `times` — see welfare.constraints."""

from django.db import migrations

from phaodai.welfare.constraints import DistributionTimesFollowProgramme


class Migration(migrations.Migration):
    dependencies = [("welfare", "0001_initial")]

    operations = [DistributionTimesFollowProgramme()]
