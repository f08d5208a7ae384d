# Reception, expense, budget, vehicle and disclosure models.  Every domain model inherits
# township.models.TownshipScoped and is tracked by django-pghistory (@pghistory.track()).
