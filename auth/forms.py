"""Sign-in and user administration forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Regexp

from auth.roles import Role
from auth.services import EMAIL_PATTERN, MIN_PASSWORD_LENGTH


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter your email address")],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your password")],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class CreateUserForm(FlaskForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter an email address"),
            # Not wtforms' Email(): that needs the email_validator package, which the
            # project does not install, and the service checks the same pattern.
            Regexp(EMAIL_PATTERN, message="Enter an email address in the correct format"),
        ],
    )
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter the person's name")],
    )
    role = SelectField(
        "Role",
        widget=GovSelect(),
        choices=[(r.value, r.label) for r in Role],
        validators=[DataRequired(message="Choose a role")],
    )
    spoke = SelectField("Spoke (spoke leads only)", widget=GovSelect(), choices=[])
    password = PasswordField(
        "Initial password",
        widget=GovPasswordInput(),
        description=f"At least {MIN_PASSWORD_LENGTH} characters. Share it with the person safely.",
        validators=[
            DataRequired(message="Enter an initial password"),
            Length(
                min=MIN_PASSWORD_LENGTH,
                message=f"The password must be at least {MIN_PASSWORD_LENGTH} characters",
            ),
        ],
    )
    submit = SubmitField("Create user", widget=GovSubmitInput())


class ChangeUserForm(FlaskForm):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter the person's name"), Length(max=200)],
    )
    role = SelectField("Role", widget=GovSelect(), choices=[(r.value, r.label) for r in Role])
    spoke = SelectField("Spoke (spoke leads only)", widget=GovSelect(), choices=[])
    submit = SubmitField("Save the changes", widget=GovSubmitInput())


class DeactivateUserForm(FlaskForm):
    reason = TextAreaField(
        "Why is the account being deactivated?",
        widget=GovTextArea(),
        validators=[
            DataRequired(message="Enter why the account is being deactivated"),
            Length(max=1000),
        ],
    )
    submit = SubmitField("Deactivate the account", widget=GovSubmitInput())


class ReactivateUserForm(FlaskForm):
    submit = SubmitField("Reactivate the account", widget=GovSubmitInput())


class TemporaryPasswordForm(FlaskForm):
    password = PasswordField(
        "Temporary password",
        widget=GovPasswordInput(),
        description="They must choose their own when they next sign in. Share it safely.",
        validators=[DataRequired(message="Enter a temporary password")],
    )
    submit = SubmitField("Set the temporary password", widget=GovSubmitInput())


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[DataRequired(message="Enter your current password")],
    )
    new_password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description=f"At least {MIN_PASSWORD_LENGTH} characters and hard to guess: a few "
        "unrelated words work well.",
        validators=[DataRequired(message="Enter a new password")],
    )
    confirm_password = PasswordField(
        "New password again",
        widget=GovPasswordInput(),
        validators=[DataRequired(message="Enter the new password again")],
    )
    submit = SubmitField("Change my password", widget=GovSubmitInput())
