from .committee import urlpatterns as committee_urlpatterns

urlpatterns: list = [*committee_urlpatterns()]
