import {
  Badge,
  Button,
  Group,
  Paper,
  PasswordInput,
  Select,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ErrorState } from "@/components/ErrorState";
import { useCurrentUser } from "@/features/auth/api";
import { formatDateTime } from "@/lib/format";
import { notifyFailure, notifySuccess } from "@/lib/notify";
import { ApiError } from "@/lib/problem";
import { useCreateUser, usersQuery, useUpdateUser } from "./api";

type Role = "user" | "admin";

export function UsersPanel() {
  const users = useQuery(usersQuery);
  const me = useCurrentUser();
  const create = useCreateUser();
  const update = useUpdateUser();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<Role>("user");
  const [errors, setErrors] = useState<{ username?: string; password?: string }>({});

  const onCreate = (e: FormEvent) => {
    e.preventDefault();
    const errs = {
      ...(username.trim() ? {} : { username: "Enter a username" }),
      ...(password ? {} : { password: "Enter a password" }),
    };
    setErrors(errs);
    if (errs.username || errs.password) return;
    create.mutate(
      { username: username.trim(), password, role },
      {
        onSuccess: (user) => {
          notifySuccess("User created", `${user.username} can now sign in.`);
          setUsername("");
          setPassword("");
          setRole("user");
        },
        onError: (error) => {
          if (error instanceof ApiError && (error.status === 422 || error.status === 409)) {
            const byField: { username?: string; password?: string } = {};
            for (const fe of error.fieldErrors) {
              const field = fe.loc[fe.loc.length - 1];
              if (field === "username" || field === "password") byField[field] = fe.msg;
            }
            setErrors(Object.keys(byField).length > 0 ? byField : { username: error.userMessage });
          } else notifyFailure("Could not create the user", error);
        },
      },
    );
  };

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="users-title">
      <Title order={2} size="h4" id="users-title" mb="sm">
        Users
      </Title>
      <form onSubmit={onCreate} aria-label="Create a user">
        <Group align="flex-start" gap="sm" mb="lg" wrap="wrap">
          <TextInput
            label="New username"
            value={username}
            onChange={(e) => setUsername(e.currentTarget.value)}
            error={errors.username}
            autoComplete="off"
          />
          <PasswordInput
            label="Initial password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={errors.password}
            autoComplete="new-password"
          />
          <Select
            label="Role"
            data={[
              { value: "user", label: "User" },
              { value: "admin", label: "Admin" },
            ]}
            value={role}
            onChange={(v) => setRole((v as Role) ?? "user")}
            allowDeselect={false}
            w={140}
          />
          <Button type="submit" mt={25} loading={create.isPending}>
            Create user
          </Button>
        </Group>
      </form>
      {users.isError && <ErrorState error={users.error} onRetry={() => users.refetch()} />}
      {users.data && (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing="xs">
            <caption>
              <VisuallyHidden>Users</VisuallyHidden>
            </caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Username</Table.Th>
                <Table.Th scope="col">Role</Table.Th>
                <Table.Th scope="col">Created</Table.Th>
                <Table.Th scope="col">Enabled</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {users.data.map((u) => {
                const self = u.id === me.data?.id;
                return (
                  <Table.Tr key={u.id}>
                    <Table.Td>{u.username}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={u.role === "admin" ? "grape" : "gray"}>
                        {u.role}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{formatDateTime(u.created_at)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Switch
                        checked={!u.disabled}
                        disabled={self || update.isPending}
                        aria-label={`${u.username} can sign in`}
                        onChange={(e) =>
                          update.mutate(
                            { id: u.id, disabled: !e.currentTarget.checked },
                            { onError: (error) => notifyFailure("Could not update the user", error) },
                          )
                        }
                      />
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Paper>
  );
}
