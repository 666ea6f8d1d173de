"""Root URLs: the app, sign-in, Django admin, and the error views (outsourcing/errors.py)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("", include("decisions.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("_nested_admin/", include("nested_admin.urls")),
]

handler400 = "outsourcing.errors.bad_request"
handler403 = "outsourcing.errors.permission_denied"
handler404 = "outsourcing.errors.page_not_found"
handler500 = "outsourcing.errors.server_error"
